namespace CoCreation.Sdk;

/// <summary>
/// Implemented by a <see cref="IWebhookReceiver"/> whose provider checks the endpoint with a handshake before it sends
/// notifications (Microsoft Graph posts <c>?validationToken=…</c> and expects the token echoed). A host asks the
/// receiver first; a request that is a handshake is answered here and never reaches the event pipeline.
/// </summary>
public interface IWebhookHandshake
{
    /// <summary>Answers the request when it is a handshake; reads the query and headers only, never the body.</summary>
    /// <param name="query">The decoded query parameters, in order; a value is <see langword="null"/> for a name without <c>=</c>.</param>
    /// <param name="request">The request (headers; the body must not be read).</param>
    /// <returns>The answer to send, or <see langword="null"/> when the request is not a handshake.</returns>
    WebhookHandshakeAnswer? TryAnswerHandshake(IReadOnlyList<KeyValuePair<string, string?>> query, WebhookRequest request);
}

/// <summary>The answer to a webhook handshake.</summary>
/// <param name="StatusCode">The HTTP status code, for example 200 (or 400 for a handshake that is not acceptable).</param>
/// <param name="ContentType">The content type of <paramref name="Body"/>, for example <c>text/plain</c>.</param>
/// <param name="Body">The body to send as UTF-8 text; empty for none.</param>
public sealed record WebhookHandshakeAnswer(int StatusCode, string ContentType, string Body);
