using System.Net;

namespace CoCreation.Sdk;

/// <summary>The base of every exception the SDK throws on purpose.</summary>
/// <remarks>Messages never contain tokens, passwords or webhook secrets.</remarks>
public class CoCreationException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong, without secrets.</param>
    public CoCreationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, without secrets.</param>
    /// <param name="innerException">The cause.</param>
    public CoCreationException(string message, Exception? innerException) : base(message, innerException) { }
}

/// <summary>A provider (SNS, cloud workspace, enterprise system) refused or failed a call.</summary>
public class ProviderException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's name, for example <c>mastodon</c>.</param>
    /// <param name="message">What went wrong, without secrets.</param>
    /// <param name="statusCode">The HTTP status, where there was one.</param>
    /// <param name="providerErrorCode">The provider's own error code, where it gave one.</param>
    /// <param name="isTransient">Whether the same call may succeed later.</param>
    /// <param name="retryAfter">How long the provider asked the caller to wait, where it said.</param>
    /// <param name="innerException">The cause.</param>
    public ProviderException(
        string provider,
        string message,
        HttpStatusCode? statusCode = null,
        string? providerErrorCode = null,
        bool isTransient = false,
        TimeSpan? retryAfter = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        StatusCode = statusCode;
        ProviderErrorCode = providerErrorCode;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>The provider's name.</summary>
    public string Provider { get; }

    /// <summary>The HTTP status, where there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The provider's own error code, for example <c>RateLimitExceeded</c>.</summary>
    public string? ProviderErrorCode { get; }

    /// <summary>Whether the same call may succeed later (timeouts, 5xx, rate limits).</summary>
    public bool IsTransient { get; }

    /// <summary>How long the provider asked the caller to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>The provider answered that the caller sent too many requests.</summary>
public class RateLimitedException : ProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="retryAfter">How long to wait before the next call.</param>
    /// <param name="rateLimit">The rate-limit state the provider reported, where it did.</param>
    /// <param name="innerException">The cause.</param>
    public RateLimitedException(string provider, TimeSpan retryAfter, RateLimitInfo? rateLimit = null, Exception? innerException = null)
        : base(provider, $"{provider} rate limit reached; retry after {retryAfter.TotalSeconds:0.###} s.", HttpStatusCode.TooManyRequests, "rate_limited", true, retryAfter, innerException)
    {
        RateLimit = rateLimit;
    }

    /// <summary>The rate-limit state the provider reported, where it did.</summary>
    public RateLimitInfo? RateLimit { get; }
}

/// <summary>A provider has no resource with the given id.</summary>
public class ResourceNotFoundException : ProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="resourceKind">What kind of resource was looked for, for example <c>poll</c>.</param>
    /// <param name="resourceId">The id that was not found.</param>
    public ResourceNotFoundException(string provider, string resourceKind, string resourceId)
        : base(provider, $"{provider} has no {resourceKind} '{resourceId}'.", HttpStatusCode.NotFound, "not_found")
    {
        ResourceKind = resourceKind;
        ResourceId = resourceId;
    }

    /// <summary>What kind of resource was looked for.</summary>
    public string ResourceKind { get; }

    /// <summary>The id that was not found.</summary>
    public string ResourceId { get; }
}

/// <summary>A credential is unknown, expired or revoked, or lacks the scope a call needs.</summary>
public class CredentialException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that refused the credential.</param>
    /// <param name="message">Why, without the credential itself.</param>
    /// <param name="innerException">The cause.</param>
    public CredentialException(string provider, string message, Exception? innerException = null) : base(message, innerException)
    {
        Provider = provider;
    }

    /// <summary>The provider that refused the credential.</summary>
    public string Provider { get; }
}

/// <summary>The provider cannot do what was asked (for example a poll on a network without polls).</summary>
public class CapabilityNotSupportedException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="capability">The missing capability, for example <c>polls</c>.</param>
    public CapabilityNotSupportedException(string provider, string capability)
        : base($"{provider} does not support {capability}.")
    {
        Provider = provider;
        Capability = capability;
    }

    /// <summary>The provider's name.</summary>
    public string Provider { get; }

    /// <summary>The missing capability.</summary>
    public string Capability { get; }
}

/// <summary>A participant tried something without an active grant for it. The attempt is audited.</summary>
public class AccessDeniedException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="participantId">Who tried.</param>
    /// <param name="target">What was tried, for example <c>enterprise:embedded-erp/production</c>.</param>
    /// <param name="reason">Why access was refused: no grant, revoked, expired.</param>
    public AccessDeniedException(string participantId, string target, string reason)
        : base($"Access to {target} denied for participant {participantId}: {reason}.")
    {
        ParticipantId = participantId;
        Target = target;
        Reason = reason;
    }

    /// <summary>Who tried.</summary>
    public string ParticipantId { get; }

    /// <summary>What was tried.</summary>
    public string Target { get; }

    /// <summary>Why access was refused.</summary>
    public string Reason { get; }
}

/// <summary>Input was refused before anything was sent or written.</summary>
public class CoCreationValidationException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The name of the bad field, for example <c>Price.Amount</c>.</param>
    /// <param name="message">What is wrong with it.</param>
    public CoCreationValidationException(string field, string message) : base($"{field}: {message}")
    {
        Field = field;
    }

    /// <summary>Creates the exception with the exception that caused it.</summary>
    /// <param name="field">The name of the bad field.</param>
    /// <param name="message">What is wrong with it.</param>
    /// <param name="innerException">The cause.</param>
    public CoCreationValidationException(string field, string message, Exception? innerException) : base($"{field}: {message}", innerException)
    {
        Field = field;
    }

    /// <summary>The name of the bad field.</summary>
    public string Field { get; }
}

/// <summary>The operation does not fit the current state (for example a listing that was already delisted).</summary>
public class CoCreationConflictException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What conflicts.</param>
    public CoCreationConflictException(string message) : base(message) { }
}

/// <summary>A webhook or push notification failed verification and was not parsed.</summary>
public class WebhookVerificationException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that is said to have sent it.</param>
    /// <param name="message">Why verification failed, without the secret or the signature.</param>
    public WebhookVerificationException(string provider, string message) : this(provider, WebhookRefusalReason.Unspecified, message)
    {
    }

    /// <summary>Creates the exception with the kind of refusal.</summary>
    /// <param name="provider">The provider (or receiver) that is said to have sent it.</param>
    /// <param name="reason">What kind of check refused the request.</param>
    /// <param name="message">Why verification failed, without the secret or the signature.</param>
    public WebhookVerificationException(string provider, WebhookRefusalReason reason, string message) : base(message)
    {
        Provider = provider;
        Reason = reason;
    }

    /// <summary>The provider that is said to have sent it.</summary>
    public string Provider { get; }

    /// <summary>What kind of check refused the request; <see cref="WebhookRefusalReason.Unspecified"/> when the receiver did not say.</summary>
    public WebhookRefusalReason Reason { get; }
}

/// <summary>Why a webhook request was refused; hosts map it to a status code and meters count by it.</summary>
public enum WebhookRefusalReason
{
    /// <summary>The receiver did not say.</summary>
    Unspecified = 0,

    /// <summary>A required header (or other part of the request) is missing.</summary>
    Missing,

    /// <summary>A header or the body is not in the expected form.</summary>
    Malformed,

    /// <summary>The request's timestamp is older than the tolerance allows.</summary>
    Stale,

    /// <summary>The request's timestamp is further in the future than the tolerance allows.</summary>
    Future,

    /// <summary>The body is larger than allowed.</summary>
    Oversize,

    /// <summary>No signature (or shared client state) matches an active secret.</summary>
    BadSignature,

    /// <summary>A request with the same message id was already accepted.</summary>
    Replayed,

    /// <summary>The request names a subscription or channel the receiver does not hold.</summary>
    UnknownSubscription,
}
