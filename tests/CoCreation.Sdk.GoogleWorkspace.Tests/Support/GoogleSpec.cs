using System.Globalization;
using CoCreation.Sdk.Testing;
using WireMock;
using WireMock.Logging;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Support;

/// <summary>The Drive v3 and Calendar v3 discovery documents shipped with the tests, and checks of WireMock traffic against them.</summary>
internal static class GoogleSpec
{
    private static readonly Lazy<DiscoveryContract> Loaded = new(() => DiscoveryContract.Load(
        Path.Combine(AppContext.BaseDirectory, "Specs", "drive.v3.json"),
        Path.Combine(AppContext.BaseDirectory, "Specs", "calendar.v3.json")));

    public static DiscoveryContract Contract => Loaded.Value;

    public static ContractRequest ToRequest(IRequestMessage message)
    {
        var headers = (message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ContractRequest(message.Method, Uri.UnescapeDataString(message.AbsolutePath))
        {
            Query = ContractRequest.ParseQuery(message.RawQuery),
            Headers = headers,
            ContentType = headers.GetValueOrDefault("Content-Type"),
            Body = string.IsNullOrEmpty(message.Body) ? null : message.Body,
        };
    }

    public static ContractResponse ToResponse(IResponseMessage message)
    {
        var headers = message.Headers ?? new Dictionary<string, WireMock.Types.WireMockList<string>>();
        var contentType = headers.FirstOrDefault(h => string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();
        return new ContractResponse(Convert.ToInt32(message.StatusCode, CultureInfo.InvariantCulture))
        {
            ContentType = contentType,
            Body = message.BodyData?.BodyAsString,
        };
    }

    /// <summary>Checks every logged request against the discovery documents, and every response except those marked as wrong on purpose.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<ILogEntry> entries)
    {
        var violations = new List<string>();
        foreach (var entry in entries)
        {
            var request = ToRequest(entry.RequestMessage);
            violations.AddRange(Contract.CheckRequest(request));
            if (entry.ResponseMessage is { } response && response.Headers?.Keys.Any(k => string.Equals(k, FakeGoogle.DeliberatelyInvalidHeader, StringComparison.OrdinalIgnoreCase)) != true)
            {
                violations.AddRange(Contract.CheckResponse(request, ToResponse(response)));
            }
        }

        return violations;
    }
}
