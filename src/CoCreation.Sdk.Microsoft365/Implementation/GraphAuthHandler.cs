using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>
/// Puts the bearer token on every request to Graph (and only to Graph: upload-session URLs are pre-authenticated and
/// must not carry it). When Graph answers 401, the handler asks for a fresh token once and sends once more; a second
/// 401 goes back to the caller. Sits inside the resilience pipeline, so every attempt carries a current token.
/// </summary>
/// <remarks>
/// Every answer other than 401 means Graph accepted the token, which is reported to the credential health monitor. When
/// the identity provider refuses the app's own credential, the credential is reported as needing re-authorisation and
/// the call fails with <see cref="Health.ReauthorizationRequiredException"/>.
/// </remarks>
internal sealed class GraphAuthHandler(string provider, Uri graphBase, Lazy<IGraphAccessTokens> tokens, ILogger logger, Health.ICredentialHealthReporter? health = null, Func<Health.CredentialRef>? credential = null) : DelegatingHandler
{
    private Health.CredentialRef? named;

    private readonly string prefix = graphBase.AbsoluteUri.TrimEnd('/') + "/";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is null || !request.RequestUri.AbsoluteUri.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = null;
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (request.Content is not null)
        {
            // The body may be sent twice (after a refused token); a buffer can be.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(false, cancellationToken).ConfigureAwait(false));
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            await ReportHealthyAsync().ConfigureAwait(false);
            return response;
        }

        Log.TokenRefused(logger, provider);
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(true, cancellationToken).ConfigureAwait(false));
        response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            await ReportHealthyAsync().ConfigureAwait(false);
        }

        return response;
    }

    private Task ReportHealthyAsync()
        => health is not null && credential is not null ? health.ReportHealthyAsync(named ??= credential(), CancellationToken.None) : Task.CompletedTask;

    private async Task<string> TokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.Value.GetAccessTokenAsync(forceRefresh, cancellationToken).ConfigureAwait(false);
        }
        catch (AppCredentialRefusedException ex) when (credential is not null)
        {
            // Only a new secret or certificate helps: tell credential health once, then fail every call until then.
            var who = named ??= credential();
            var reason = $"the identity provider refused the app's credential ({ex.Code}): the secret or certificate expired or was removed, or the app registration is gone";
            if (health is not null)
            {
                await health.ReportNeedsReauthAsync(who, reason, CancellationToken.None).ConfigureAwait(false);
            }

            throw new Health.ReauthorizationRequiredException(who, reason, $"Microsoft 365 ({provider}) could not get an access token: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is not CoCreationException and not OperationCanceledException)
        {
            // The exception type says enough; MSAL's messages may quote the request.
            throw new CredentialException(provider, $"Microsoft 365 ({provider}) could not get an access token for Microsoft Graph ({ex.GetType().Name}). Check the tenant, the client id and the secret or certificate.", null);
        }
    }
}
