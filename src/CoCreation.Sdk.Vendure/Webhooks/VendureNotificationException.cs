namespace CoCreation.Sdk.Vendure;

/// <summary>
/// A webhook request passed verification (it was signed with the shop's secret) but its body is not a notification
/// of the CoCreation Vendure plugin: not JSON, not an object with <c>type</c>, <c>timestamp</c> and <c>data</c>, or
/// a known type without the fields it carries. Nothing was published or polled.
/// </summary>
/// <remarks>
/// The message names the receiver, the message id and what is wrong; it never quotes the body. The ASP.NET Core
/// endpoint answers such a request with 500, as for any failure after verification.
/// </remarks>
public sealed class VendureNotificationException : ProviderException
{
    /// <summary>The <see cref="ProviderException.ProviderErrorCode"/> of every such exception.</summary>
    public const string ErrorCode = "invalid_notification";

    /// <summary>Creates the exception.</summary>
    /// <param name="receiver">The receiver's name, for example <c>vendure:shop</c>.</param>
    /// <param name="messageId">The verified <c>webhook-id</c>.</param>
    /// <param name="problem">What is wrong with the body, without quoting it.</param>
    /// <param name="innerException">The cause, for example a <see cref="System.Text.Json.JsonException"/>.</param>
    public VendureNotificationException(string receiver, string messageId, string problem, Exception? innerException = null)
        : base(receiver, $"Webhook {messageId} for '{receiver}' was verified but is not a Vendure notification: {problem}", providerErrorCode: ErrorCode, innerException: innerException)
    {
        MessageId = messageId;
        Problem = problem;
    }

    /// <summary>The verified <c>webhook-id</c> of the request.</summary>
    public string MessageId { get; }

    /// <summary>What is wrong with the body.</summary>
    public string Problem { get; }
}
