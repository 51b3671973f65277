using CoCreation.Sdk.Http;
using CoCreation.Sdk.Http.Webhooks;

namespace CoCreation.Sdk.Vendure;

/// <summary>
/// Settings of a <see cref="VendureWebhookReceiver"/>, registered with <c>AddVendureWebhooks(…)</c>: the Standard Webhooks
/// secrets the shop's plugin signs with, the limits of the check, and the event source a notification has polled.
/// Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows a secret.</remarks>
public sealed class VendureWebhookOptions
{
    /// <summary>The default <see cref="MaxBodyBytes"/>: 64 KiB.</summary>
    public const int DefaultMaxBodyBytes = 64 * 1024;

    /// <summary>The longest <see cref="PollSource"/> accepted.</summary>
    public const int MaxPollSourceLength = 200;

    /// <summary>
    /// The current signing secret: <c>whsec_</c> followed by the base64 of 24 to 64 random bytes, the value the shop's
    /// plugin signs with (the peer's <c>COCREATION_VENDURE_WEBHOOK_SECRET</c>). Required.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The secret being retired, in the same form, or <see langword="null"/>; see <see cref="StandardWebhookOptions.PreviousSecret"/>.</summary>
    public string? PreviousSecret { get; set; }

    /// <summary>How far a notification's <c>webhook-timestamp</c> may lie from now; between 1 second and 1 hour. Default: 5 minutes.</summary>
    public TimeSpan Tolerance { get; set; } = StandardWebhookOptions.DefaultTolerance;

    /// <summary>The largest body accepted, in bytes; between 1 and 16 MiB. Default: 64 KiB (a notification is a few hundred bytes).</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// The name of the <see cref="IEventSource"/> a verified notification has polled at once, or <see langword="null"/>
    /// for the Vendure adapter's own source, <c>enterprise:{adapter name}</c>. Set it when the adapter's events are
    /// read through another source: for a Vendure adapter that is the commerce part of a composite enterprise system
    /// named <c>dong-a</c>, set <c>enterprise:dong-a</c>.
    /// </summary>
    public string? PollSource { get; set; }

    /// <summary>Returns a description without the secrets.</summary>
    /// <returns>Whether each secret is set, the limits and the poll source.</returns>
    public override string ToString()
        => $"VendureWebhookOptions(Secret = {(string.IsNullOrEmpty(Secret) ? "(none)" : "***")}, PreviousSecret = {(string.IsNullOrEmpty(PreviousSecret) ? "(none)" : "***")}, Tolerance = {Tolerance}, MaxBodyBytes = {MaxBodyBytes}, PollSource = {PollSource ?? "(adapter's own)"})";

    /// <summary>The Standard Webhooks part of these options, for the verifier.</summary>
    internal void CopyTo(StandardWebhookOptions target)
    {
        target.Secret = Secret;
        target.PreviousSecret = PreviousSecret;
        target.Tolerance = Tolerance;
        target.MaxBodyBytes = MaxBodyBytes;
    }

    /// <summary>Why <paramref name="source"/> cannot name an event source, or <see langword="null"/> when it can.</summary>
    internal static string? PollSourceProblem(string source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return "must not be blank (leave it unset for the adapter's own source).";
        }

        if (source.Length > MaxPollSourceLength)
        {
            return $"must be at most {MaxPollSourceLength} characters (was {source.Length}).";
        }

        return source.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))
            ? "must not contain spaces or control characters."
            : null;
    }
}

/// <summary>
/// Validates <see cref="VendureWebhookOptions"/> when the app starts: the poll source. The secrets, tolerance and size
/// cap are checked by <see cref="StandardWebhookOptionsValidator"/> under the same name, never quoting a secret.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
public sealed class VendureWebhookOptionsValidator : AdapterOptionsValidator<VendureWebhookOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "Vendure webhook receiver";

    /// <inheritdoc />
    protected override void Check(VendureWebhookOptions options, OptionsFailures failures)
    {
        if (options.PollSource is { } source && VendureWebhookOptions.PollSourceProblem(source) is { } problem)
        {
            failures.Add(nameof(options.PollSource), problem);
        }
    }
}
