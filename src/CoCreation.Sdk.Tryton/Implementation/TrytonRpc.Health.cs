using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Tryton.Implementation;

/// <summary>
/// The login's health. An expired session costs one new login (see <see cref="CallAsync"/>); a refused login (a
/// changed password, a disabled user) is reported as NeedsReauth, after the login lock is released.
/// </summary>
internal sealed partial class TrytonRpc
{
    /// <summary>Where the login's health is reported.</summary>
    public ICredentialHealthReporter Health { get; set; } = NullCredentialHealthReporter.Instance;

    /// <summary>The login as health records name it: the adapter, <c>tryton</c> and <c>user@database</c>.</summary>
    public CredentialRef Credential => new(_name, "tryton", $"{_options.User}@{_options.Database}");

    private ReauthorizationRequiredException LoginRefused()
    {
        const string reason = "the server refused the login (wrong password, or the user was disabled)";
        return new ReauthorizationRequiredException(
            Credential,
            reason,
            $"Tryton refused the login of user '{_options.User}' to database '{_options.Database}'. Set the user's current password in the settings.");
    }

    private async Task<Session> ReportedSessionAsync(Session? stale, CancellationToken cancellationToken)
    {
        var before = Volatile.Read(ref _session);
        Session session;
        try
        {
            session = await EnsureSessionAsync(stale, cancellationToken).ConfigureAwait(false);
        }
        catch (ReauthorizationRequiredException ex)
        {
            await Health.ReportNeedsReauthAsync(ex.Credential, ex.Reason, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!ReferenceEquals(session, before))
        {
            // A login went through.
            await Health.ReportHealthyAsync(Credential, CancellationToken.None).ConfigureAwait(false);
        }

        return session;
    }
}
