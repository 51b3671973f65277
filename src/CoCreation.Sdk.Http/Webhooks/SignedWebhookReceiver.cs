namespace CoCreation.Sdk.Http.Webhooks;

/// <summary>
/// The base of a receiver for a provider that signs its webhooks with the Standard Webhooks scheme: verification is
/// done by a <see cref="StandardWebhookVerifier"/>, so a provider's receiver writes only
/// <see cref="ParseVerifiedAsync"/>, which sees the exact bytes that were verified.
/// </summary>
/// <example>
/// <code>
/// sealed class ShopReceiver(StandardWebhookVerifier verifier) : SignedWebhookReceiver(verifier)
/// {
///     protected override Task&lt;WebhookReceipt&gt; ParseVerifiedAsync(VerifiedWebhook webhook, CancellationToken ct)
///         =&gt; Task.FromResult(new WebhookReceipt([ToEvent(webhook.Body)], []));
/// }
/// builder.AddWebhookReceiver(sp =&gt; new ShopReceiver(new StandardWebhookVerifier("shop", options, time: sp.GetService&lt;TimeProvider&gt;())));
/// </code>
/// </example>
public abstract class SignedWebhookReceiver : WebhookReceiverBase
{
    /// <summary>Creates the receiver.</summary>
    /// <param name="verifier">Verifies every request; its <see cref="StandardWebhookVerifier.Name"/> is the receiver's name.</param>
    protected SignedWebhookReceiver(StandardWebhookVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        Verifier = verifier;
    }

    /// <summary>The receiver's name: the verifier's <see cref="StandardWebhookVerifier.Name"/>.</summary>
    public override string Name => Verifier.Name;

    /// <summary>The verifier; call <see cref="StandardWebhookVerifier.RotateSecrets"/> on it to rotate secrets.</summary>
    public StandardWebhookVerifier Verifier { get; }

    /// <inheritdoc />
    protected sealed override async ValueTask<object?> VerifyAsync(WebhookRequest request, CancellationToken cancellationToken)
        => await Verifier.VerifyAsync(request, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    protected sealed override Task<WebhookReceipt> ParseAsync(WebhookRequest request, object? verified, CancellationToken cancellationToken)
        => ParseVerifiedAsync((VerifiedWebhook)verified!, cancellationToken);

    /// <summary>Turns a verified message into events.</summary>
    /// <param name="webhook">The verified message; parse <see cref="VerifiedWebhook.Body"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The receipt.</returns>
    protected abstract Task<WebhookReceipt> ParseVerifiedAsync(VerifiedWebhook webhook, CancellationToken cancellationToken);
}
