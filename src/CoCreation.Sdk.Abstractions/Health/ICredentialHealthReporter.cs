namespace CoCreation.Sdk.Health;

/// <summary>
/// Where adapters report what they learnt about a credential. The core's monitor implements it; adapters take it
/// from the container where one is registered and use <see cref="NullCredentialHealthReporter"/> otherwise.
/// </summary>
/// <remarks>
/// Implementations are safe for concurrent use and do not throw for reporting failures: a failing alert must not fail
/// the adapter's call. Report outside any lock the adapter holds, because an alert may be delivered through the same
/// adapter.
/// </remarks>
public interface ICredentialHealthReporter
{
    /// <summary>Reports that a call or refresh with the credential succeeded.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the state is recorded.</returns>
    Task ReportHealthyAsync(CredentialRef credential, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports that the provider refused the credential for good. The first report after any other state raises
    /// <see cref="CredentialNeedsReauthEvent"/>; further reports while it stays refused do not.
    /// </summary>
    /// <param name="credential">The credential.</param>
    /// <param name="reason">Why, without secrets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the state is recorded and any alert handed on.</returns>
    Task ReportNeedsReauthAsync(CredentialRef credential, string reason, CancellationToken cancellationToken = default);
}

/// <summary>Receives <see cref="CredentialNeedsReauthEvent"/>s from the core's monitor (for example to alert admins).</summary>
public interface ICredentialHealthObserver
{
    /// <summary>Called once when a credential moves to <see cref="CredentialState.NeedsReauth"/>.</summary>
    /// <param name="event">The transition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default);
}

/// <summary>A reporter that records nothing: what adapters use when no monitor is registered.</summary>
public sealed class NullCredentialHealthReporter : ICredentialHealthReporter
{
    /// <summary>The single instance.</summary>
    public static NullCredentialHealthReporter Instance { get; } = new();

    private NullCredentialHealthReporter()
    {
    }

    /// <inheritdoc />
    public Task ReportHealthyAsync(CredentialRef credential, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public Task ReportNeedsReauthAsync(CredentialRef credential, string reason, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
