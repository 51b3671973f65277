using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CoCreation.Sdk.Microsoft365.Notifications;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// Takes Microsoft Graph change and lifecycle notifications of one Microsoft 365 adapter into the SDK's event pipeline
/// (<c>IEventPipeline.ReceiveWebhookAsync</c> with <see cref="Name"/>).
/// </summary>
/// <remarks>
/// <para>
/// Verification comes first and builds nothing out of the body: the body is read up to <see cref="MaxBodyBytes"/>, a
/// forward-only JSON scan reads only the <c>subscriptionId</c> and <c>clientState</c> of every item, and each
/// <c>clientState</c> is compared in constant time with the secret of the subscription the adapter holds under that id.
/// An unknown subscription, a missing or forged <c>clientState</c> (on any one item of a batch), an oversize or
/// malformed body is refused with <see cref="WebhookVerificationException"/> before anything is parsed.
/// </para>
/// <para>
/// A verified change notification asks the pipeline to poll the workspace's activity source
/// (<see cref="CoCreationEventSources.WorkspaceActivitySourceName"/>): the delta feed is the source of truth.
/// Lifecycle notifications are acted on: <c>reauthorizationRequired</c> reauthorizes the subscription,
/// <c>subscriptionRemoved</c> creates a new one (and polls the source), <c>missed</c> polls the source.
/// </para>
/// <para>
/// The validation handshake Graph makes when a subscription is created (a POST with <c>?validationToken=…</c>) is
/// answered by the host, not the pipeline: see <see cref="TryAnswerHandshake"/> (which the CoCreation.Sdk.AspNetCore
/// endpoint calls) and <see cref="TryGetValidationToken(string?, out string?)"/>. Answer every
/// verified notification with 202 Accepted, promptly.
/// </para>
/// </remarks>
public sealed class Microsoft365NotificationReceiver : WebhookReceiverBase, IWebhookHandshake
{
    /// <summary>The largest notification body accepted (256 KiB); a longer one is refused unread when its <c>Content-Length</c> says so.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    /// <summary>The longest validation token <see cref="TryGetValidationToken(string?, out string?)"/> hands back for echoing.</summary>
    public const int MaxValidationTokenLength = 1024;

    private const string ValidationTokenParameter = "validationToken";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string adapterName;
    private readonly Lazy<GraphSubscriptionManager> manager;
    private readonly ILogger logger;
    private int parsed;

    // The manager is resolved at the first request, so registering the receiver builds nothing early.
    internal Microsoft365NotificationReceiver(string adapterName, Func<GraphSubscriptionManager> manager, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(logger);
        this.adapterName = CoCreationGuard.NotBlank(adapterName, nameof(adapterName));
        this.manager = new Lazy<GraphSubscriptionManager>(manager);
        this.logger = logger;
        Name = ReceiverName(adapterName);
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>How many requests reached parsing (passed verification); tests prove refusals never got there.</summary>
    internal int ParsedCount => Volatile.Read(ref parsed);

    /// <summary>The receiver name of the adapter registered under <paramref name="adapterName"/>: <c>microsoft365-notifications:{adapterName}</c>.</summary>
    /// <param name="adapterName">The adapter's registered name.</param>
    /// <returns>The receiver name.</returns>
    public static string ReceiverName(string adapterName) => "microsoft365-notifications:" + CoCreationGuard.NotBlank(adapterName, nameof(adapterName));

    /// <summary>
    /// Reads Graph's endpoint validation request out of a raw query string (<c>?validationToken=…</c>, as the host's
    /// request has it, percent- and plus-encoded). When it returns <see langword="true"/>, answer the request with
    /// 200 OK, <c>Content-Type: text/plain</c> and exactly <paramref name="token"/> as the body (within 10 seconds),
    /// without passing it to the pipeline. When it returns <see langword="false"/> for a request that has the parameter,
    /// answer 400.
    /// </summary>
    /// <example>
    /// In an ASP.NET Core host, one endpoint for <see cref="Microsoft365Options.NotificationUrl"/> (and the lifecycle URL):
    /// <code>
    /// app.MapPost("/graph/notifications", async (HttpRequest http, IEventPipeline pipeline, CancellationToken ct) =&gt;
    /// {
    ///     if (http.Query.ContainsKey("validationToken"))
    ///     {
    ///         return Microsoft365NotificationReceiver.TryGetValidationToken(http.QueryString.Value, out var token)
    ///             ? Results.Text(token, "text/plain")   // and X-Content-Type-Options: nosniff
    ///             : Results.BadRequest();
    ///     }
    ///     var request = new WebhookRequest(
    ///         http.Headers.Select(h =&gt; KeyValuePair.Create(h.Key, h.Value.ToString())),
    ///         await ReadAtMostAsync(http.Body, Microsoft365NotificationReceiver.MaxBodyBytes + 1, ct)); // the host's own capped read
    ///     try { await pipeline.ReceiveWebhookAsync(Microsoft365NotificationReceiver.ReceiverName("m365"), request, ct); }
    ///     catch (WebhookVerificationException) { return Results.Unauthorized(); }
    ///     return Results.Accepted();
    /// });
    /// </code>
    /// </example>
    /// <param name="queryString">The raw query string, with or without the leading <c>?</c>.</param>
    /// <param name="token">The decoded token to echo: 1 to <see cref="MaxValidationTokenLength"/> characters, none of them a control character or a lone surrogate.</param>
    /// <returns>Whether the query holds exactly one acceptable validation token.</returns>
    public static bool TryGetValidationToken(string? queryString, [NotNullWhen(true)] out string? token)
    {
        token = null;
        if (string.IsNullOrEmpty(queryString))
        {
            return false;
        }

        var query = queryString.AsSpan();
        if (query[0] == '?')
        {
            query = query[1..];
        }

        // Work is bounded before decoding: an encoded character takes at most 12 characters (four %XX for a 4-byte UTF-8 form).
        string? found = null;
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf('=');
            var name = equals < 0 ? pair : pair[..equals];
            if (!name.Equals(ValidationTokenParameter, StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null || equals < 0)
            {
                return false;
            }

            var raw = pair[(equals + 1)..];
            if (raw.Length == 0 || raw.Length > MaxValidationTokenLength * 12)
            {
                return false;
            }

            found = DecodeQueryValue(raw);
            if (found is null)
            {
                return false;
            }
        }

        return found is not null && TryAccept(found, out token);
    }

    /// <summary>
    /// Reads Graph's endpoint validation request out of a query that the host has already decoded (for example an
    /// ASP.NET Core <c>Request.Query</c> flattened to pairs). Answer as for <see cref="TryGetValidationToken(string?, out string?)"/>.
    /// </summary>
    /// <param name="query">The decoded query parameters.</param>
    /// <param name="token">The token to echo.</param>
    /// <returns>Whether the query holds exactly one acceptable validation token.</returns>
    public static bool TryGetValidationToken(IEnumerable<KeyValuePair<string, string?>> query, [NotNullWhen(true)] out string? token)
    {
        ArgumentNullException.ThrowIfNull(query);
        token = null;
        string? found = null;
        foreach (var (name, value) in query)
        {
            if (!string.Equals(name, ValidationTokenParameter, StringComparison.Ordinal))
            {
                continue;
            }

            if (found is not null || value is null)
            {
                return false;
            }

            found = value;
        }

        return found is not null && TryAccept(found, out token);
    }

    /// <summary>
    /// Answers Graph's endpoint validation request: a query with <c>validationToken</c> is answered 200 with the token
    /// as <c>text/plain</c> when it is acceptable (see <see cref="TryGetValidationToken(IEnumerable{KeyValuePair{string, string}}, out string?)"/>),
    /// 400 otherwise. Any other request is not a handshake.
    /// </summary>
    /// <param name="query">The decoded query parameters.</param>
    /// <param name="request">The request; its body is not read.</param>
    /// <returns>The answer, or <see langword="null"/> when the request is not a handshake.</returns>
    public WebhookHandshakeAnswer? TryAnswerHandshake(IReadOnlyList<KeyValuePair<string, string?>> query, WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(request);
        if (!query.Any(p => string.Equals(p.Key, ValidationTokenParameter, StringComparison.Ordinal)))
        {
            return null;
        }

        return TryGetValidationToken(query, out var token)
            ? new WebhookHandshakeAnswer(200, "text/plain", token)
            : new WebhookHandshakeAnswer(400, "text/plain", string.Empty);
    }

    /// <inheritdoc />
    /// <remarks>Reads the body (at most <see cref="MaxBodyBytes"/>) and scans it for subscription ids and client states only; nothing else of it is interpreted.</remarks>
    protected override async ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var declared = request.GetHeader("Content-Length");
        if (declared is not null && long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > MaxBodyBytes)
        {
            throw Refused(WebhookRefusalReason.Oversize, "the body is larger than allowed");
        }

        var body = await request.ReadBodyAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > MaxBodyBytes)
        {
            throw Refused(WebhookRefusalReason.Oversize, "the body is larger than allowed");
        }

        if (body.IsEmpty)
        {
            throw Refused(WebhookRefusalReason.Missing, "the body is empty (a validation request is answered by the host, see TryGetValidationToken)");
        }

        if (!NotificationScan.TryScan(body.Span, out var items, out var reason))
        {
            throw Refused(WebhookRefusalReason.Malformed, reason);
        }

        var subscriptions = manager.Value;
        var verified = new List<Microsoft365Subscription>(items.Count);
        foreach (var item in items)
        {
            if (!subscriptions.TryGet(item.SubscriptionId, out var state))
            {
                throw Refused(WebhookRefusalReason.UnknownSubscription, "a notification names a subscription this adapter does not hold");
            }

            if (!CryptographicOperations.FixedTimeEquals(item.ClientState, state.ClientState))
            {
                throw Refused(WebhookRefusalReason.BadSignature, "a notification's clientState does not match its subscription");
            }

            verified.Add(state.Subscription);
        }

        return new Verified(body, verified);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Lifecycle actions call Graph before the receipt is returned; when Graph refuses one, its
    /// <see cref="ProviderException"/> propagates, so the host answers with an error and Graph sends the lifecycle
    /// notification again.
    /// </remarks>
    protected override async Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref parsed);
        var checkedBody = (Verified)verified!;

        // The bytes verified are the bytes parsed: the request's body is not read a second time.
        ChangeNotificationCollectionDto? collection;
        try
        {
            collection = JsonSerializer.Deserialize(checkedBody.Body.Span, NotificationJsonContext.Default.ChangeNotificationCollectionDto);
        }
        catch (JsonException)
        {
            throw Refused(WebhookRefusalReason.Malformed, "the body does not hold change notifications");
        }

        var items = collection?.Value;
        if (items is null || items.Count != checkedBody.Subscriptions.Count)
        {
            throw Refused(WebhookRefusalReason.Malformed, "the body does not hold the notifications verified");
        }

        var sources = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var subscription = checkedBody.Subscriptions[i];
            if (!string.Equals(items[i].SubscriptionId, subscription.Id, StringComparison.Ordinal))
            {
                throw Refused(WebhookRefusalReason.Malformed, "the body does not hold the notifications verified");
            }

            var source = CoCreationEventSources.WorkspaceActivitySourceName(adapterName, subscription.WorkspaceId);
            switch (items[i].LifecycleEvent)
            {
                case null:
                    AddOnce(sources, source);
                    break;
                case "reauthorizationRequired":
                    NotificationLog.Lifecycle(logger, adapterName, "reauthorizationRequired", subscription.Id);
                    await manager.Value.ReauthorizeAsync(subscription.Id, cancellationToken).ConfigureAwait(false);
                    break;
                case "subscriptionRemoved":
                    // Changes made while no subscription stood are caught up by reading the feed.
                    NotificationLog.Lifecycle(logger, adapterName, "subscriptionRemoved", subscription.Id);
                    await manager.Value.RecreateAsync(subscription.Id, cancellationToken).ConfigureAwait(false);
                    AddOnce(sources, source);
                    break;
                case "missed":
                    NotificationLog.Lifecycle(logger, adapterName, "missed", subscription.Id);
                    AddOnce(sources, source);
                    break;
                default:
                    // A lifecycle event this version does not know: reading the feed is never wrong.
                    NotificationLog.Lifecycle(logger, adapterName, "(unknown)", subscription.Id);
                    AddOnce(sources, source);
                    break;
            }
        }

        return sources.Count == 0 ? WebhookReceipt.Empty : new WebhookReceipt([], sources);
    }

    private static void AddOnce(List<string> sources, string source)
    {
        if (!sources.Contains(source, StringComparer.Ordinal))
        {
            sources.Add(source);
        }
    }

    // Form-style decoding ('+' is a space, %XX a byte) with strict UTF-8: a broken escape or byte sequence yields null.
    private static string? DecodeQueryValue(ReadOnlySpan<char> raw)
    {
        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= raw.Length || !byte.TryParse(raw.Slice(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                {
                    return null;
                }

                bytes.Add(b);
                i += 2;
            }
            else if (char.IsAscii(c))
            {
                bytes.Add((byte)c);
            }
            else
            {
                // A host that hands over a partly decoded query: keep the character as UTF-8, refusing a lone surrogate.
                int length;
                try
                {
                    length = char.IsHighSurrogate(c) && i + 1 < raw.Length
                        ? StrictUtf8.GetBytes(raw.Slice(i++, 2), utf8)
                        : StrictUtf8.GetBytes(raw.Slice(i, 1), utf8);
                }
                catch (EncoderFallbackException)
                {
                    return null;
                }

                foreach (var x in utf8[..length])
                {
                    bytes.Add(x);
                }
            }
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool TryAccept(string candidate, [NotNullWhen(true)] out string? token)
    {
        token = null;
        if (candidate.Length == 0 || candidate.Length > MaxValidationTokenLength)
        {
            return false;
        }

        for (var i = 0; i < candidate.Length; i++)
        {
            var c = candidate[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < candidate.Length && char.IsLowSurrogate(candidate[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        token = candidate;
        return true;
    }

    private WebhookVerificationException Refused(WebhookRefusalReason kind, string reason)
    {
        NotificationLog.Refused(logger, adapterName, reason);
        return new WebhookVerificationException(adapterName, kind, $"Microsoft Graph notification for '{adapterName}' refused: {reason}.");
    }

    private sealed record Verified(ReadOnlyMemory<byte> Body, IReadOnlyList<Microsoft365Subscription> Subscriptions);
}
