using System.Net.Http.Headers;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Responses;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>The fields of a service account JSON key the adapter uses.</summary>
internal sealed record ServiceAccountKey(string ClientEmail, string PrivateKey, string? TokenUri)
{
    public static bool TryParse(string json, out ServiceAccountKey? key)
    {
        key = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "service_account"
                || !root.TryGetProperty("client_email", out var email) || email.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(email.GetString())
                || !root.TryGetProperty("private_key", out var privateKey) || privateKey.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(privateKey.GetString()))
            {
                return false;
            }

            var tokenUri = root.TryGetProperty("token_uri", out var uri) && uri.ValueKind == JsonValueKind.String ? uri.GetString() : null;
            key = new ServiceAccountKey(email.GetString()!, privateKey.GetString()!, tokenUri);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // A record's generated ToString would print the private key.
    public override string ToString() => $"ServiceAccountKey({ClientEmail})";
}

/// <summary>Builds the Google.Apis.Auth credential the options describe; the library fetches and refreshes tokens.</summary>
internal static class GoogleCredentials
{
    public const string DefaultTokenEndpoint = "https://oauth2.googleapis.com/token";
    private const string AuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth";

    public static ITokenAccess Create(GoogleWorkspaceOptions options)
    {
        if (options.UsesServiceAccount)
        {
            string email;
            string privateKey;
            string? tokenUri = null;
            if (!string.IsNullOrWhiteSpace(options.ServiceAccountKeyJson) || !string.IsNullOrWhiteSpace(options.ServiceAccountKeyFile))
            {
                var json = options.ServiceAccountKeyJson ?? File.ReadAllText(options.ServiceAccountKeyFile!);
                if (!ServiceAccountKey.TryParse(json, out var key))
                {
                    throw new CredentialException("google-workspace", "The service account key is not a service account JSON key.");
                }

                (email, privateKey, tokenUri) = (key!.ClientEmail, key.PrivateKey, key.TokenUri);
            }
            else
            {
                (email, privateKey) = (options.ServiceAccountEmail!, options.ServiceAccountPrivateKey!);
            }

            var endpoint = options.TokenEndpoint?.AbsoluteUri ?? tokenUri ?? DefaultTokenEndpoint;
            var initializer = new ServiceAccountCredential.Initializer(email, endpoint)
            {
                Scopes = [.. options.Scopes],
                User = string.IsNullOrWhiteSpace(options.DelegatedUser) ? null : options.DelegatedUser,
            };
            return new ServiceAccountCredential(initializer.FromPrivateKey(privateKey));
        }

        var flow = new AuthorizationCodeFlow(new AuthorizationCodeFlow.Initializer(AuthorizationEndpoint, options.TokenEndpoint?.AbsoluteUri ?? DefaultTokenEndpoint)
        {
            ClientSecrets = new ClientSecrets { ClientId = options.ClientId, ClientSecret = options.ClientSecret },
            Scopes = [.. options.Scopes],
        });
        var token = new TokenResponse { RefreshToken = options.RefreshToken };
        if (!string.IsNullOrWhiteSpace(options.AccessToken))
        {
            // Google.Apis.Auth judges staleness on its own system clock, so the issue time must come from that clock too.
            var now = DateTime.UtcNow;
            var expiresAt = options.AccessTokenExpiresAt?.UtcDateTime ?? now.AddHours(1);
            token.AccessToken = options.AccessToken;
            token.IssuedUtc = now;
            token.ExpiresInSeconds = (long)Math.Max(0, (expiresAt - now).TotalSeconds);
        }

        return new UserCredential(flow, "cocreation", token);
    }
}

/// <summary>
/// Puts <c>Authorization: Bearer</c> on every Drive and Calendar request, asking Google.Apis.Auth for a current token
/// (it refreshes an expired one). A refused credential becomes <see cref="CredentialException"/> without the secret.
/// </summary>
/// <remarks>
/// <c>invalid_grant</c> (a revoked or expired refresh token, a deleted or disabled key) becomes
/// <see cref="Health.ReauthorizationRequiredException"/> and is reported as NeedsReauth; every token issued is reported
/// as healthy. Google.Apis.Auth refreshes one token at a time per credential.
/// </remarks>
internal sealed class GoogleAuthHandler(string provider, Lazy<ITokenAccess> credential, Health.ICredentialHealthReporter? health = null, Func<Health.CredentialRef>? credentialRef = null) : DelegatingHandler
{
    private Health.CredentialRef? named;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await credential.Value.GetAccessTokenForRequestAsync(request.RequestUri?.AbsoluteUri, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenResponseException ex) when (ex.Error?.Error == GoogleCredentialHealth.InvalidGrant && health is not null && credentialRef is not null)
        {
            var who = named ??= credentialRef();
            const string reason = "the token endpoint answered invalid_grant (the refresh token or key was revoked or has expired)";
            await health.ReportNeedsReauthAsync(who, reason, CancellationToken.None).ConfigureAwait(false);
            throw new Health.ReauthorizationRequiredException(who, reason, $"Google ({provider}) refused to issue an access token: invalid_grant. The credential of {who.Account} has to be authorised again: sign in and issue a new refresh token, or create a new service account key.");
        }
        catch (TokenResponseException ex)
        {
            // The error code (invalid_grant, unauthorized_client) says why without revealing anything secret.
            throw new CredentialException(provider, $"Google ({provider}) refused to issue an access token: {ex.Error?.Error ?? "unknown error"}. Check the key or refresh token, the scopes, and domain-wide delegation.");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or System.Security.Cryptography.CryptographicException or IOException)
        {
            throw new CredentialException(provider, $"Google ({provider}) credential could not be used ({ex.GetType().Name}).");
        }

        if (health is not null && credentialRef is not null)
        {
            await health.ReportHealthyAsync(named ??= credentialRef(), CancellationToken.None).ConfigureAwait(false);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
