namespace CoCreation.Sdk.CoDevelopment;

/// <summary>Delivers e-mail confirmation codes to participants.</summary>
/// <remarks>
/// The default, registered by <c>AddCoDevelopment</c>, sends the code as a direct message on the network the
/// participant signed in with: it proves that the person behind that SNS login typed the address. To prove
/// control of the mailbox itself, register an implementation that mails the code to
/// <see cref="ConfirmationCodeMessage.Email"/> instead.
/// </remarks>
public interface IConfirmationCodeSender
{
    /// <summary>Delivers a code.</summary>
    /// <param name="message">The code and whom it is for.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the code is on its way.</returns>
    Task SendAsync(ConfirmationCodeMessage message, CancellationToken cancellationToken = default);
}

/// <summary>Sends confirmation codes as SNS direct messages from the brand.</summary>
internal sealed class SnsConfirmationCodeSender(ICoCreationProviders providers) : IConfirmationCodeSender
{
    public async Task SendAsync(ConfirmationCodeMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var connector = providers.GetSns(message.Identity.Network);
        var expires = message.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var english = message.Participant.PreferredLocale.StartsWith("en", StringComparison.OrdinalIgnoreCase);
        var text = english
            ? $"[{message.ProjectName}] Your confirmation code for {message.Email} is {message.Code}. It expires at {expires} UTC."
            : $"[{message.ProjectName}] {message.Email} 확인 코드는 {message.Code} 입니다. {expires} UTC까지 유효합니다.";
        await connector.SendDirectMessageAsync(
            new DirectMessageRequest { RecipientSubject = message.Identity.Subject, RecipientHandle = message.Identity.Handle, Text = text },
            cancellationToken).ConfigureAwait(false);
    }
}
