using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Testing;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Support;

/// <summary>
/// Google's OAuth token endpoint on WireMock.Net. A JWT-bearer grant is accepted only when its RS256 signature verifies
/// with the service account's public key and its claims (iss, scope, aud = Google's token audience, sub, iat, exp) are what the test expects;
/// a refresh-token grant only with the expected client and refresh token. Issued tokens are registered with the API fake.
/// </summary>
internal sealed class FakeTokenServer : IDisposable
{
    private readonly FakeGoogle api;
    private readonly List<JsonObject> acceptedClaims = [];
    private readonly List<string> rejections = [];
    private readonly List<string> issued = [];

    public FakeTokenServer(FakeGoogle api)
    {
        this.api = api;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{port}"], Logger = new WireMockNullLogger() });
        TokenEndpoint = new Uri(Server.Url + "/token");
        Server.Given(Request.Create().WithPath("/token").UsingPost()).RespondWith(Response.Create().WithCallback(Issue));
    }

    public WireMockServer Server { get; }

    public Uri TokenEndpoint { get; }

    /// <summary>The audience Google requires in the assertion, whichever address the request is sent to.</summary>
    public static string Audience => "https://oauth2.googleapis.com/token";

    /// <summary>The service account's public key; the test keeps the private half.</summary>
    public RSA? PublicKey { get; set; }

    public string? ExpectedIssuer { get; set; }

    public string? ExpectedScope { get; set; }

    public string? ExpectedSubject { get; set; }

    public (string ClientId, string ClientSecret, string RefreshToken)? ExpectedRefresh { get; set; }

    public IReadOnlyList<JsonObject> AcceptedClaims
    {
        get
        {
            lock (acceptedClaims)
            {
                return [.. acceptedClaims];
            }
        }
    }

    public IReadOnlyList<string> Rejections
    {
        get
        {
            lock (acceptedClaims)
            {
                return [.. rejections];
            }
        }
    }

    public IReadOnlyList<string> Issued
    {
        get
        {
            lock (acceptedClaims)
            {
                return [.. issued];
            }
        }
    }

    public void Dispose() => Server.Stop();

    private IResponseMessage Issue(IRequestMessage request)
    {
        var form = ContractRequest.ParseQuery(request.Body);
        string? Field(string name) => form.TryGetValue(name, out var values) ? values[0] : null;
        var failure = Field("grant_type") switch
        {
            "urn:ietf:params:oauth:grant-type:jwt-bearer" => VerifyAssertion(Field("assertion")),
            "refresh_token" => ExpectedRefresh is { } expected && Field("client_id") == expected.ClientId && Field("client_secret") == expected.ClientSecret && Field("refresh_token") == expected.RefreshToken ? null : "the refresh grant does not match",
            var other => $"unsupported grant_type '{other}'",
        };
        lock (acceptedClaims)
        {
            if (failure is not null)
            {
                rejections.Add(failure);
                return FakeGoogle.Json(400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = failure });
            }

            var token = api.IssueAccessToken();
            issued.Add(token);
            return FakeGoogle.Json(200, new JsonObject { ["access_token"] = token, ["token_type"] = "Bearer", ["expires_in"] = 3599 });
        }
    }

    private string? VerifyAssertion(string? assertion)
    {
        var parts = assertion?.Split('.');
        if (parts is not { Length: 3 } || PublicKey is null)
        {
            return "the assertion is not a signed JWT";
        }

        JsonNode? header;
        JsonNode? claims;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]));
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            return "the assertion is not readable";
        }

        if (header?["alg"]?.GetValue<string>() != "RS256")
        {
            return "the assertion is not RS256";
        }

        var signature = Base64Url.DecodeFromChars(parts[2]);
        if (!PublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "the signature does not verify with the service account's public key";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var iat = claims?["iat"]?.GetValue<long>() ?? 0;
        var exp = claims?["exp"]?.GetValue<long>() ?? 0;
        if (claims?["iss"]?.GetValue<string>() != ExpectedIssuer)
        {
            return "iss is not the service account";
        }

        if (claims?["scope"]?.GetValue<string>() != ExpectedScope)
        {
            return "scope is not the expected scopes";
        }

        if (claims?["aud"]?.GetValue<string>() != Audience)
        {
            return "aud is not Google's token audience";
        }

        if (claims?["sub"]?.GetValue<string>() != ExpectedSubject)
        {
            return "sub is not the delegated user";
        }

        if (iat > now + 60 || exp <= now || exp - iat > 3600)
        {
            return "iat/exp are out of range";
        }

        lock (acceptedClaims)
        {
            acceptedClaims.Add(claims!.AsObject());
        }

        return null;
    }
}
