using System.Collections.Immutable;
using System.Text;

namespace CoCreation.Sdk;

/// <summary>
/// Takes webhook calls (push notifications) from one provider: it verifies a request first and only then parses it.
/// Derive from <see cref="WebhookReceiverBase"/>, which keeps that order.
/// </summary>
public interface IWebhookReceiver
{
    /// <summary>The receiver's name, used to route requests to it; for example <c>google-push:drive</c>.</summary>
    string Name { get; }

    /// <summary>Verifies a request and, once it is verified, parses it.</summary>
    /// <param name="request">The request as it arrived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The events it carries and the sources it asks to be polled now.</returns>
    /// <exception cref="WebhookVerificationException">The request is not from the provider; nothing of it was parsed.</exception>
    Task<WebhookReceipt> ReceiveAsync(WebhookRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What a verified webhook request yields.</summary>
/// <param name="Events">Events to publish, oldest first.</param>
/// <param name="SourcesToPoll">Names of <see cref="IEventSource"/>s to poll now (for notifications that only say "something changed").</param>
public sealed record WebhookReceipt(IReadOnlyList<CoCreationEvent> Events, IReadOnlyList<string> SourcesToPoll)
{
    /// <summary>A receipt with nothing to do (for example a channel's opening handshake).</summary>
    public static WebhookReceipt Empty { get; } = new([], []);
}

/// <summary>
/// A webhook request as it arrived: headers at once, the body only on request. <see cref="IsBodyRead"/> shows whether
/// anything read the body, so tests can prove a receiver refused a forged request before reading it.
/// </summary>
public sealed class WebhookRequest
{
    private readonly Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> _body;
    private int _bodyRead;

    /// <summary>Creates a request whose body is read, at most once, by <paramref name="readBody"/>.</summary>
    /// <param name="headers">The headers; names in any case.</param>
    /// <param name="readBody">Reads the body.</param>
    public WebhookRequest(IEnumerable<KeyValuePair<string, string>> headers, Func<CancellationToken, ValueTask<ReadOnlyMemory<byte>>> readBody)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(readBody);
        Headers = headers.ToImmutableArray();
        _body = readBody;
    }

    /// <summary>Creates a request with a body already in memory.</summary>
    /// <param name="headers">The headers; names in any case.</param>
    /// <param name="body">The body; empty when there is none.</param>
    public WebhookRequest(IEnumerable<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
        : this(headers, _ => ValueTask.FromResult(body))
    {
    }

    /// <summary>The headers as they arrived.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Whether the body has been read.</summary>
    public bool IsBodyRead => Volatile.Read(ref _bodyRead) == 1;

    /// <summary>The first header named <paramref name="name"/> (compared ignoring case), or <see langword="null"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetHeader(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    /// <summary>Reads the body.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body's bytes.</returns>
    public ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _bodyRead, 1);
        return _body(cancellationToken);
    }

    /// <summary>Reads the body as UTF-8 text.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body's text.</returns>
    public async ValueTask<string> ReadBodyAsStringAsync(CancellationToken cancellationToken = default)
        => Encoding.UTF8.GetString((await ReadBodyAsync(cancellationToken).ConfigureAwait(false)).Span);
}

/// <summary>
/// The base of webhook receivers: <see cref="ReceiveAsync"/> calls <see cref="VerifyAsync"/> and only when that
/// returns calls <see cref="ParseAsync"/>. A verifier that needs the body (an HMAC over it) may read its bytes; it must
/// not interpret them.
/// </summary>
public abstract class WebhookReceiverBase : IWebhookReceiver
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public async Task<WebhookReceipt> ReceiveAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var verified = await VerifyAsync(request, cancellationToken).ConfigureAwait(false);
        return await ParseAsync(request, verified, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that the request comes from the provider, in constant time where a secret is compared.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whatever the verification learned that parsing needs (for example the channel the token belongs to).</returns>
    /// <exception cref="WebhookVerificationException">It does not; the message names the reason, never the secret.</exception>
    protected abstract ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken);

    /// <summary>Turns a verified request into events.</summary>
    /// <param name="request">The request.</param>
    /// <param name="verified">What <see cref="VerifyAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt.</returns>
    protected abstract Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken);
}
