using CoCreation.Sdk.Testing;
using WireMock;
using WireMock.Logging;

namespace CoCreation.Sdk.Mastodon.Tests.Support;

/// <summary>The Mastodon OpenAPI document shipped with the tests, and checks of WireMock traffic against it.</summary>
internal static class MastodonSpec
{
    private static readonly Lazy<OpenApiContract> Loaded = new(() => OpenApiContract.Load(Path.Combine(AppContext.BaseDirectory, "Specs", "mastodon-openapi.json")));

    public static OpenApiContract Contract => Loaded.Value;

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
        return new ContractResponse(Convert.ToInt32(message.StatusCode, System.Globalization.CultureInfo.InvariantCulture))
        {
            ContentType = contentType,
            Body = message.BodyData?.BodyAsString,
        };
    }

    public static bool IsDeliberatelyInvalid(IResponseMessage message)
        => message.Headers?.Keys.Any(k => string.Equals(k, FakeMastodon.DeliberatelyInvalidHeader, StringComparison.OrdinalIgnoreCase)) == true;

    /// <summary>Checks every logged request against the spec, and every response except those marked as wrong on purpose.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<ILogEntry> entries)
    {
        var violations = new List<string>();
        foreach (var entry in entries)
        {
            var request = ToRequest(entry.RequestMessage);
            violations.AddRange(Contract.CheckRequest(request));
            if (entry.ResponseMessage is { } response && !IsDeliberatelyInvalid(response))
            {
                violations.AddRange(Contract.CheckResponse(request, ToResponse(response)));
            }
        }

        return violations;
    }
}
