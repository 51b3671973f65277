using CoCreation.Sdk.Testing;
using WireMock;
using WireMock.Logging;

namespace CoCreation.Sdk.Bluesky.Tests.Support;

/// <summary>The lexicons shipped with the tests, and checks of WireMock traffic against them.</summary>
internal static class BlueskySpec
{
    private static readonly Lazy<LexiconContract> Loaded = new(() => LexiconContract.Load(Path.Combine(AppContext.BaseDirectory, "Specs", "lexicons")));

    public static LexiconContract Contract => Loaded.Value;

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

    /// <summary>Checks every logged request against the lexicon of its method.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<ILogEntry> entries)
        => entries.SelectMany(e => Contract.CheckRequest(ToRequest(e.RequestMessage))).ToList();
}
