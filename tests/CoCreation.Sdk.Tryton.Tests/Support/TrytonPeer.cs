using CoCreation.Sdk.Testing;

namespace CoCreation.Sdk.Tryton.Tests.Support;

/// <summary>The real Tryton server that eng/peers/tryton/up.sh starts, as the integration tests see it.</summary>
internal static class TrytonPeer
{
    private const string StartHint = "bash eng/peers/tryton/up.sh";

    /// <summary>Options for an adapter on the peer; ignores (or, under CI, fails) the test when the peer is not running.</summary>
    public static TrytonOptions Options()
    {
        var url = Peers.Get("COCREATION_TRYTON_URL", StartHint);
        return new TrytonOptions
        {
            Url = new Uri(url),
            // The peer's second database, which only this test assembly writes to: the exact event-stream checks of
            // the conformance suite would otherwise see the stories that other assemblies run at the same time.
            Database = Peers.Get("COCREATION_TRYTON_TESTS_DATABASE", StartHint),
            User = Peers.Get("COCREATION_TRYTON_USER", StartHint),
            Password = Peers.Get("COCREATION_TRYTON_PASSWORD", StartHint),
        };
    }

    /// <summary>One HTTP client for every adapter the tests create (sockets are reused).</summary>
    public static HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A test's own JSON-RPC client to the peer, independent of the adapter, for reading back what Tryton holds.</summary>
    public static TrytonTestClient Client() => new(Options(), Http);

    /// <summary>A name no other test of any run has, for logins and titles in the shared database.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
