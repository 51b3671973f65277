using System.Net;
using CoCreation.Sdk.Health;
using Microsoft.Identity.Client;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>
/// Turns MSAL's exceptions into the SDK's typed exceptions. Messages are built here from the OAuth error code, the
/// HTTP status and MSAL's correlation id only; MSAL's own message and the provider's error description are never
/// copied, so no secret, client assertion or token can reach a message or a log.
/// </summary>
internal static class MsalErrors
{
    /// <summary>Maps an exception MSAL threw while the app asked for its own token (client credentials).</summary>
    /// <param name="exception">MSAL's exception.</param>
    public static CoCreationException ForApp(MsalException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = SafeCode(exception.ErrorCode);
        var correlation = Correlation(exception);
        if (exception is MsalServiceException service)
        {
            var status = service.StatusCode;
            if (Transient(service))
            {
                return new ProviderException(MsalClients.Provider, $"The identity provider could not issue a token for the app right now (HTTP {Status(status)}, {code}){correlation}.", Http(status), code, isTransient: true, retryAfter: RetryAfter(service), innerException: exception);
            }

            var message = $"The identity provider refused to issue a token for the app: {code} (HTTP {Status(status)}){correlation}. {Hint(code)}";
            return code is "invalid_client" or "unauthorized_client"
                ? new AppCredentialRefusedException(code, message, exception)
                : new CredentialException(MsalClients.Provider, message, exception);
        }

        return new CredentialException(MsalClients.Provider, $"MSAL could not ask for a token for the app: {code}{correlation}. Check the authority (AuthorityHost and TenantId, or GenericAuthority) and the credential.", exception);
    }

    /// <summary>Maps an exception MSAL threw while redeeming a user's code or refreshing a user's token.</summary>
    /// <param name="exception">MSAL's exception.</param>
    /// <param name="account">The user's account id, or <see langword="null"/> while no account is known yet.</param>
    public static CoCreationException ForUser(MsalException exception, string? account)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var code = SafeCode(exception.ErrorCode);
        if (account is not null && (exception is MsalUiRequiredException || code == "invalid_grant"))
        {
            var who = new CredentialRef(MsalClients.Provider, "microsoft365", account);
            return new ReauthorizationRequiredException(who, code, $"The user's sign-in has to be repeated: the identity provider no longer accepts it ({code}){Correlation(exception)}. Start the authorization code flow again.", exception);
        }

        if (code == "invalid_grant")
        {
            return new CredentialException(MsalClients.Provider, $"The identity provider refused the authorization code: invalid_grant{Correlation(exception)}. A code is good once, for a short time, and only with the PKCE verifier and redirect address of its own request.", exception);
        }

        return ForApp(exception);
    }

    /// <summary>Maps a failure to reach the identity provider; a refused TLS certificate is not transient, a network failure is.</summary>
    /// <param name="exception">The HTTP failure.</param>
    public static ProviderException Unreachable(HttpRequestException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var tls = exception.HttpRequestError == HttpRequestError.SecureConnectionError;
        var message = tls
            ? "The identity provider could not be reached: its TLS certificate was not trusted (SecureConnectionError). Give an HttpClient that trusts it."
            : $"The identity provider could not be reached ({exception.HttpRequestError}).";
        return new ProviderException(MsalClients.Provider, message, exception.StatusCode, isTransient: !tls, innerException: exception);
    }

    /// <summary>Keeps an OAuth error code only when it looks like one (letters, digits, '_', '-', '.'); the provider chooses it.</summary>
    internal static string SafeCode(string? code)
        => !string.IsNullOrEmpty(code) && code.Length <= 64 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? code
            : "unknown_error";

    private static string Hint(string code) => code switch
    {
        "invalid_client" or "unauthorized_client" => "Check the client id and the secret or certificate registered for it.",
        "invalid_scope" => "Check the scopes (Scopes) and the permissions granted to the app.",
        "invalid_request" => "Check the authority and the app registration.",
        _ => "Check the app registration, its credential and the scopes.",
    };

    private static bool Transient(MsalServiceException exception)
        => exception.StatusCode is 429 or >= 500
           || exception.ErrorCode is MsalError.RequestTimeout or MsalError.ServiceNotAvailable;

    private static TimeSpan? RetryAfter(MsalServiceException exception)
    {
        var header = exception.Headers?.RetryAfter;
        return header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
    }

    private static string Status(int status) => status == 0 ? "none" : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static HttpStatusCode? Http(int status) => status == 0 ? null : (HttpStatusCode)status;

    private static string Correlation(MsalException exception)
        => exception is MsalServiceException { CorrelationId: { Length: > 0 } id } && Guid.TryParse(id, out var guid) ? $", correlation id {guid}" : string.Empty;
}

/// <summary>
/// The identity provider refused the app's own credential (<c>invalid_client</c>, <c>unauthorized_client</c>): the secret
/// expired or was removed, the certificate is no longer registered, or the app registration is gone. Nothing but a new
/// credential helps, so the adapter reports it to credential health as needing re-authorisation.
/// </summary>
/// <param name="code">The OAuth error code.</param>
/// <param name="message">The message, without secrets.</param>
/// <param name="innerException">MSAL's exception.</param>
internal sealed class AppCredentialRefusedException(string code, string message, Exception innerException)
    : CredentialException(MsalClients.Provider, message, innerException)
{
    /// <summary>The OAuth error code.</summary>
    public string Code { get; } = code;
}
