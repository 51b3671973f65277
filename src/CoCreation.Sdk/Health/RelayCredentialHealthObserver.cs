using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Health;

/// <summary>Publishes each <see cref="CredentialNeedsReauthEvent"/> through the relay, whose rule sends it to the admins.</summary>
internal sealed class RelayCredentialHealthObserver(IServiceProvider services) : ICredentialHealthObserver
{
    public Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);

        // The relay delivers through the outbox: a failed delivery is retried by the relay worker, not lost.
        return services.GetRequiredService<IEventRelay>().PublishAsync(@event.ToCoCreationEvent(), cancellationToken);
    }
}
