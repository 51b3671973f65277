using CoCreation.Sdk.Testing;

namespace CoCreation.Sdk.Vendure.Tests.Support;

/// <summary>The real Vendure server that eng/peers/vendure/up.sh starts, as the integration tests see it.</summary>
internal static class VendurePeer
{
    private const string StartHint = "bash eng/peers/vendure/up.sh";

    /// <summary>Options for an adapter on the peer; ignores (or, under CI, fails) the test when the peer is not running.</summary>
    public static VendureOptions Options() => new()
    {
        AdminApiUrl = new Uri(Peers.Get("COCREATION_VENDURE_ADMIN_API", StartHint)),
        User = Peers.Get("COCREATION_VENDURE_ADMIN_USER", StartHint),
        Password = Peers.Get("COCREATION_VENDURE_ADMIN_PASSWORD", StartHint),
    };

    /// <summary>The Shop API address.</summary>
    public static Uri ShopApi => new(Peers.Get("COCREATION_VENDURE_SHOP_API", StartHint));

    /// <summary>The secret the peer signs its webhook POSTs with (<c>whsec_</c> and base64).</summary>
    public static string WebhookSecret => Peers.Get("COCREATION_VENDURE_WEBHOOK_SECRET", StartHint);

    /// <summary>One HTTP client for every adapter the tests create (sockets are reused).</summary>
    // Without cookies: the peer also sets a session cookie, which must not carry one session (the superadmin's) into another (a shop customer's).
    public static HttpClient Http { get; } = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A test's own GraphQL client to the peer, independent of the adapter, for acting as the shop and reading back.</summary>
    public static VendureTestClient Client() => new(Options(), ShopApi, Http);
}
