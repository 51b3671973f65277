using System.Net;

namespace CoCreation.Sdk.Http;

/// <summary>Describes one call for error mapping and messages.</summary>
/// <param name="Operation">How the adapter names the call in messages and logs, for example <c>GET /api/v1/polls/{id}</c>.</param>
/// <param name="CredentialOwner">Whose credential the call carries (for example <c>brand</c> or <c>member</c>), for the message of a refusal; <see langword="null"/> when it does not matter.</param>
/// <param name="ResourceKind">What a not-found answer means was not found, where it means that.</param>
/// <param name="ResourceId">The id that a not-found answer means was not found.</param>
/// <param name="Secrets">Secrets the call carries; removed from any text the server echoes back.</param>
public sealed record HttpCall(string Operation, string? CredentialOwner = null, string? ResourceKind = null, string? ResourceId = null, IReadOnlyList<string>? Secrets = null)
{
    /// <summary>Returns <see cref="Operation"/>.</summary>
    /// <returns>The operation.</returns>
    public override string ToString() => Operation;
}

/// <summary>What a service's error body says: a machine-readable code and a human-readable message, either possibly missing.</summary>
/// <param name="Code">The service's error code, for example <c>invalid_grant</c> or <c>RateLimitExceeded</c>.</param>
/// <param name="Message">The service's explanation.</param>
public readonly record struct ProviderErrorBody(string? Code, string? Message)
{
    /// <summary>A body that says nothing (empty, HTML from a proxy, or not the service's error shape).</summary>
    public static ProviderErrorBody None => default;
}

/// <summary>An error answer, read and redacted, as <see cref="HttpErrorProfile.Map"/> sees it.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The parsed and redacted error body.</param>
/// <param name="RetryAfter">The wait the server asked for, if any.</param>
/// <param name="RateLimit">The rate-limit headers of the answer, if any.</param>
public sealed record HttpError(HttpStatusCode Status, ProviderErrorBody Body, TimeSpan? RetryAfter, RateLimitInfo? RateLimit)
{
    /// <summary>The code and message for a message: <c>code (message)</c>, the code alone, or <c>HTTP 503</c>.</summary>
    public string Detail => Body.Code is null ? $"HTTP {(int)Status}" : Body.Message is null ? Body.Code : $"{Body.Code} ({Body.Message})";
}

/// <summary>
/// How one service's error answers map to the SDK's exceptions (<see cref="RateLimitedException"/>,
/// <see cref="CredentialException"/>, <see cref="ResourceNotFoundException"/>, <see cref="ProviderException"/>):
/// the status first, refined by the service's error codes. Adapters set the service-specific parts.
/// </summary>
/// <remarks>Immutable once built; safe for concurrent use.</remarks>
public sealed class HttpErrorProfile
{
    /// <summary>Creates a profile.</summary>
    /// <param name="service">The service's display name in messages, for example <c>Mastodon</c>.</param>
    /// <exception cref="CoCreationValidationException"><paramref name="service"/> is blank.</exception>
    public HttpErrorProfile(string service)
    {
        CoCreationGuard.NotBlank(service, nameof(service));
        Service = service;
    }

    /// <summary>The service's display name in messages.</summary>
    public string Service { get; }

    /// <summary>Reads the service's error body; the default reads nothing. Must not throw on bodies of another shape.</summary>
    public Func<string, ProviderErrorBody> ParseError { get; init; } = _ => ProviderErrorBody.None;

    /// <summary>The rate-limit headers the service sends, or <see langword="null"/>.</summary>
    public RateLimitHeaderNames? RateLimitHeaders { get; init; }

    /// <summary>The wait reported when the service rate-limits without saying for how long. Default: 5 minutes.</summary>
    public TimeSpan FallbackRateLimitWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Error codes that mean "rate limited" whatever the status (429 always does).</summary>
    public IReadOnlySet<string> RateLimitCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Error codes that mean the credential was refused whatever the status (401 always does).</summary>
    public IReadOnlySet<string> CredentialCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Error codes that mean "not found" whatever the status (404 always does, for a call that names a resource).</summary>
    public IReadOnlySet<string> NotFoundCodes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether a 403 is a <see cref="CredentialException"/> (the default) or an ordinary refusal.</summary>
    public bool ForbiddenIsCredentialFailure { get; init; } = true;

    /// <summary>What the service's credential is called in messages. Default: <c>credential</c>.</summary>
    public string CredentialNoun { get; init; } = "credential";

    /// <summary>The advice after a refused credential (401).</summary>
    public string UnauthorizedAdvice { get; init; } = "The credential is unknown, expired or revoked; sign in again.";

    /// <summary>The advice after a forbidden call (403).</summary>
    public string ForbiddenAdvice { get; init; } = "Check the credential's permissions and the account's state.";

    /// <summary>Which error texts count as a code for <see cref="ProviderException.ProviderErrorCode"/>; the default takes every one.</summary>
    public Func<string, bool> IsErrorCode { get; init; } = _ => true;

    /// <summary>A service-specific mapping tried before the common one; return <see langword="null"/> to fall through.</summary>
    public Func<string, HttpCall, HttpError, Exception?>? MapSpecial { get; init; }

    /// <summary>Maps an error answer to the SDK's exception.</summary>
    /// <param name="provider">The adapter's registered name.</param>
    /// <param name="call">The call.</param>
    /// <param name="error">The answer.</param>
    /// <returns>The exception to throw.</returns>
    public Exception Map(string provider, HttpCall call, HttpError error)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(error);
        if (MapSpecial?.Invoke(provider, call, error) is { } special)
        {
            return special;
        }

        var status = error.Status;
        var code = error.Body.Code;
        var credential = call.CredentialOwner is null ? CredentialNoun : $"{call.CredentialOwner} {CredentialNoun}";
        if (status == HttpStatusCode.TooManyRequests || Has(RateLimitCodes, code))
        {
            return new RateLimitedException(provider, error.RetryAfter ?? FallbackRateLimitWait, error.RateLimit);
        }

        if (status == HttpStatusCode.Unauthorized || Has(CredentialCodes, code))
        {
            return new CredentialException(provider, $"{Service} ({provider}) refused the {credential} for {call.Operation}: {error.Detail}. {UnauthorizedAdvice}");
        }

        if (status == HttpStatusCode.Forbidden && ForbiddenIsCredentialFailure)
        {
            return new CredentialException(provider, $"{Service} ({provider}) did not allow {call.Operation} with the {credential}: {error.Detail}. {ForbiddenAdvice}");
        }

        if (call.ResourceKind is not null && call.ResourceId is not null && (status == HttpStatusCode.NotFound || Has(NotFoundCodes, code)))
        {
            return new ResourceNotFoundException(provider, call.ResourceKind, call.ResourceId);
        }

        var errorCode = code is not null && IsErrorCode(code) ? code : null;
        if (IsTransientStatus(status))
        {
            return new ProviderException(provider, $"{Service} ({provider}) failed {call.Operation}: {error.Detail}. The call may succeed later.", status, errorCode, true, error.RetryAfter);
        }

        return new ProviderException(provider, $"{Service} ({provider}) refused {call.Operation}: {error.Detail}.", status, errorCode, false, error.RetryAfter);
    }

    /// <summary>408 and 5xx other than 501 Not Implemented: answers a later attempt may not repeat.</summary>
    /// <param name="status">The status.</param>
    /// <returns>Whether the failure is transient.</returns>
    public static bool IsTransientStatus(HttpStatusCode status)
        => status == HttpStatusCode.RequestTimeout || (status >= HttpStatusCode.InternalServerError && status != HttpStatusCode.NotImplemented);

    private static bool Has(IReadOnlySet<string> codes, string? code) => code is not null && codes.Contains(code);
}
