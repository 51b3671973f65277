using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace CoCreation.Sdk.Microsoft365.Notifications;

/// <summary>
/// Holds an adapter's Microsoft Graph change-notification subscriptions: creates them with a fresh random
/// <c>clientState</c> each, renews them before they expire (<c>PATCH /subscriptions/{id}</c>), recreates one Graph no
/// longer knows, reauthorizes on request and deletes them. Subscriptions and their secrets live in memory only: after a
/// restart, watch the workspaces again.
/// </summary>
/// <remarks>Safe for concurrent use; changes to the set of subscriptions are serialised.</remarks>
internal sealed class GraphSubscriptionManager
{
    /// <summary>Graph's longest lifetime for a drive item subscription (42,300 minutes, about 29 days).</summary>
    internal static readonly TimeSpan MaxDriveItemLifetime = TimeSpan.FromMinutes(42_300);

    /// <summary>Graph's limit on <c>clientState</c>.</summary>
    internal const int MaxClientStateLength = 128;

    private const int ClientStateRandomBytes = 32;

    private readonly Func<GraphServiceClient> graph;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<string, SubscriptionState> subscriptions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim changes = new(1, 1);

    /// <summary>Creates a manager.</summary>
    /// <param name="graph">Gives the Graph client per call, so a factory can rotate its handlers.</param>
    /// <param name="adapterName">The adapter's registered name.</param>
    /// <param name="options">The adapter's options (<see cref="Microsoft365Options.NotificationUrl"/>, lifetimes).</param>
    /// <param name="time">The clock expirations are measured on.</param>
    /// <param name="logger">The logger; no secret reaches it.</param>
    internal GraphSubscriptionManager(Func<GraphServiceClient> graph, string adapterName, Microsoft365Options options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        this.graph = graph;
        AdapterName = CoCreationGuard.NotBlank(adapterName, nameof(adapterName));
        Options = options;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The adapter's registered name.</summary>
    internal string AdapterName { get; }

    /// <summary>The adapter's options.</summary>
    internal Microsoft365Options Options { get; }

    /// <summary>The subscriptions held now, soonest expiry first.</summary>
    internal IReadOnlyList<Microsoft365Subscription> Subscriptions
        => subscriptions.Values.Select(s => s.Subscription).OrderBy(s => s.Expiration).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Subscribes to changes under the root of <paramref name="driveId"/> on behalf of a workspace (Graph offers drive
    /// item subscriptions on a drive's root only), with a fresh random <c>clientState</c>. A workspace already watched
    /// on that drive keeps its subscription.
    /// </summary>
    /// <param name="workspaceId">The workspace whose activity feed a notification asks to read.</param>
    /// <param name="driveId">The drive that holds the workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="CapabilityNotSupportedException">No <see cref="Microsoft365Options.NotificationUrl"/> is configured.</exception>
    /// <exception cref="CoCreationValidationException">An id or a lifetime option is unusable; nothing was sent.</exception>
    /// <exception cref="ProviderException">Graph refused the subscription (for example because the notification URL failed validation).</exception>
    internal async Task<Microsoft365Subscription> WatchAsync(string workspaceId, string driveId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(workspaceId, nameof(workspaceId));
        CheckDriveId(driveId);
        CheckOptions();
        await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = subscriptions.Values.FirstOrDefault(s => s.Subscription.WorkspaceId == workspaceId && s.Subscription.DriveId == driveId);
            return existing?.Subscription ?? await CreateAsync(workspaceId, driveId, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            changes.Release();
        }
    }

    /// <summary>
    /// Renews every subscription that expires within <see cref="Microsoft365Options.SubscriptionRenewBefore"/> on the
    /// manager's clock (<c>PATCH /subscriptions/{id}</c> with a new <c>expirationDateTime</c>); one Graph answers 404 for
    /// is created anew with a new <c>clientState</c>. A failure on one subscription does not stop the others; the
    /// first failure is thrown once all were tried.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many subscriptions were renewed or recreated.</returns>
    /// <exception cref="ProviderException">Graph refused a renewal; the others were still tried.</exception>
    internal async Task<int> RenewExpiringAsync(CancellationToken cancellationToken = default)
    {
        await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        var renewed = 0;
        Exception? first = null;
        try
        {
            var due = time.GetUtcNow() + Options.SubscriptionRenewBefore;
            foreach (var state in subscriptions.Values.Where(s => s.Subscription.Expiration <= due).ToList())
            {
                try
                {
                    await RenewAsync(state, cancellationToken).ConfigureAwait(false);
                    renewed++;
                }
                catch (CoCreationException ex)
                {
                    NotificationLog.RenewalFailed(logger, AdapterName, state.Subscription.Id, ex);
                    first ??= ex;
                }
            }
        }
        finally
        {
            changes.Release();
        }

        if (renewed > 0)
        {
            NotificationLog.Renewed(logger, AdapterName, renewed);
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return renewed;
    }

    /// <summary>Deletes every subscription of a workspace at Graph (404 counts as deleted) and forgets its secret first.</summary>
    /// <param name="workspaceId">The workspace.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many subscriptions were stopped.</returns>
    /// <exception cref="ProviderException">Graph refused a deletion; the secret is forgotten all the same.</exception>
    internal async Task<int> StopAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(workspaceId, nameof(workspaceId));
        await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stopped = 0;
            foreach (var state in subscriptions.Values.Where(s => s.Subscription.WorkspaceId == workspaceId).ToList())
            {
                // Forget first: a notification on a subscription being stopped is no longer trusted.
                subscriptions.TryRemove(state.Subscription.Id, out _);
                var id = state.Subscription.Id;
                await CallAsync("subscriptions.delete", ct => graph().Subscriptions[id].DeleteAsync(cancellationToken: ct), notFoundIsSuccess: true, cancellationToken).ConfigureAwait(false);
                stopped++;
            }

            return stopped;
        }
        finally
        {
            changes.Release();
        }
    }

    /// <summary>Finds a subscription the manager holds, with its secret, for verification.</summary>
    /// <param name="subscriptionId">Graph's subscription id.</param>
    /// <param name="state">The subscription and its <c>clientState</c> bytes.</param>
    /// <returns>Whether it is held.</returns>
    internal bool TryGet(string subscriptionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SubscriptionState? state)
        => subscriptions.TryGetValue(subscriptionId, out state);

    /// <summary>
    /// Answers a <c>reauthorizationRequired</c> lifecycle notification: <c>POST /subscriptions/{id}/reauthorize</c>; a
    /// subscription Graph no longer knows is created anew.
    /// </summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The subscription that is current afterwards, or <see langword="null"/> when the manager no longer holds it.</returns>
    internal async Task<Microsoft365Subscription?> ReauthorizeAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!subscriptions.TryGetValue(subscriptionId, out var state))
            {
                return null;
            }

            var found = await CallAsync("subscriptions.reauthorize", ct => graph().Subscriptions[subscriptionId].Reauthorize.PostAsync(cancellationToken: ct), notFoundIsSuccess: false, cancellationToken, returnsFalseOnNotFound: true).ConfigureAwait(false);
            if (!found)
            {
                return await RecreateCoreAsync(state, "not found on reauthorization", cancellationToken).ConfigureAwait(false);
            }

            NotificationLog.Reauthorized(logger, AdapterName, subscriptionId);
            return state.Subscription;
        }
        finally
        {
            changes.Release();
        }
    }

    /// <summary>Answers a <c>subscriptionRemoved</c> lifecycle notification: a new subscription replaces the removed one.</summary>
    /// <param name="subscriptionId">The removed subscription.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new subscription, or <see langword="null"/> when the manager no longer holds the old one.</returns>
    internal async Task<Microsoft365Subscription?> RecreateAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return subscriptions.TryGetValue(subscriptionId, out var state)
                ? await RecreateCoreAsync(state, "removed by Graph", cancellationToken).ConfigureAwait(false)
                : null;
        }
        finally
        {
            changes.Release();
        }
    }

    private async Task RenewAsync(SubscriptionState state, CancellationToken cancellationToken)
    {
        var id = state.Subscription.Id;
        var asked = time.GetUtcNow() + Options.SubscriptionLifetime;
        Subscription? answer = null;
        var found = await CallAsync(
            "subscriptions.update",
            async ct => answer = await graph().Subscriptions[id].PatchAsync(new Subscription { ExpirationDateTime = asked }, cancellationToken: ct).ConfigureAwait(false),
            notFoundIsSuccess: false,
            cancellationToken,
            returnsFalseOnNotFound: true).ConfigureAwait(false);
        if (!found)
        {
            await RecreateCoreAsync(state, "not found on renewal", cancellationToken).ConfigureAwait(false);
            return;
        }

        // Graph may grant less than asked; its answer is what counts.
        var renewed = state with { Subscription = state.Subscription with { Expiration = answer?.ExpirationDateTime ?? asked } };
        subscriptions[id] = renewed;
    }

    private async Task<Microsoft365Subscription> RecreateCoreAsync(SubscriptionState old, string why, CancellationToken cancellationToken)
    {
        NotificationLog.Recreating(logger, AdapterName, old.Subscription.Id, why, old.Subscription.WorkspaceId);

        // The old one is gone at Graph: its secret is no longer trusted, whether or not the new one can be made.
        subscriptions.TryRemove(old.Subscription.Id, out _);
        return await CreateAsync(old.Subscription.WorkspaceId, old.Subscription.DriveId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Microsoft365Subscription> CreateAsync(string workspaceId, string driveId, CancellationToken cancellationToken)
    {
        CheckOptions();
        var secret = RandomNumberGenerator.GetBytes(ClientStateRandomBytes);
        var clientState = Base64Url.EncodeToString(secret);
        var resource = "drives/" + driveId + "/root";
        var asked = time.GetUtcNow() + Options.SubscriptionLifetime;
        var notificationUrl = Options.NotificationUrl!;
        var request = new Subscription
        {
            ChangeType = "updated",
            NotificationUrl = notificationUrl.AbsoluteUri,
            LifecycleNotificationUrl = (Options.LifecycleNotificationUrl ?? notificationUrl).AbsoluteUri,
            Resource = resource,
            ExpirationDateTime = asked,
            ClientState = clientState,
        };

        Subscription? created = null;
        await CallAsync("subscriptions.create", async ct => created = await graph().Subscriptions.PostAsync(request, cancellationToken: ct).ConfigureAwait(false), notFoundIsSuccess: false, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(created?.Id))
        {
            throw new ProviderException(AdapterName, $"Microsoft Graph answered subscriptions.create for '{AdapterName}' without a subscription id.");
        }

        var subscription = new Microsoft365Subscription(created.Id, workspaceId, driveId, resource, created.ExpirationDateTime ?? asked);
        subscriptions[subscription.Id] = new SubscriptionState(subscription, Encoding.UTF8.GetBytes(clientState));
        NotificationLog.Created(logger, AdapterName, subscription.Id, workspaceId, subscription.Expiration);
        return subscription;
    }

    // Returns false when Graph answered 404 and returnsFalseOnNotFound is set; true otherwise. Every other refusal is a ProviderException without Graph's text.
    private async Task<bool> CallAsync(string operation, Func<CancellationToken, Task> call, bool notFoundIsSuccess, CancellationToken cancellationToken, bool returnsFalseOnNotFound = false)
    {
        try
        {
            await call(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ApiException ex) when (ex.ResponseStatusCode == (int)HttpStatusCode.NotFound && (notFoundIsSuccess || returnsFalseOnNotFound))
        {
            return notFoundIsSuccess;
        }
        catch (ApiException ex)
        {
            var status = ex.ResponseStatusCode;
            var code = (ex as ODataError)?.Error?.Code;
            throw new ProviderException(
                AdapterName,
                $"Microsoft Graph refused {operation} for '{AdapterName}' (HTTP {status}{(code is null ? string.Empty : ", " + code)}).",
                status > 0 ? (HttpStatusCode)status : null,
                code,
                isTransient: status is 429 or >= 500,
                innerException: null);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(AdapterName, $"Microsoft Graph could not be reached for {operation} ('{AdapterName}').", ex.StatusCode, isTransient: true, innerException: ex);
        }
    }

    private void CheckOptions()
    {
        if (Options.NotificationUrl is null)
        {
            throw new CapabilityNotSupportedException(AdapterName, "change notifications without a NotificationUrl");
        }

        if (Options.SubscriptionLifetime <= TimeSpan.Zero || Options.SubscriptionLifetime > MaxDriveItemLifetime)
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.SubscriptionLifetime), $"must be positive and at most {MaxDriveItemLifetime.TotalMinutes:0} minutes (Graph's limit for drive items).");
        }

        if (Options.SubscriptionRenewBefore <= TimeSpan.Zero || Options.SubscriptionRenewBefore >= Options.SubscriptionLifetime)
        {
            throw new CoCreationValidationException(nameof(Microsoft365Options.SubscriptionRenewBefore), "must be positive and shorter than SubscriptionLifetime.");
        }
    }

    private static void CheckDriveId(string driveId)
    {
        CoCreationGuard.NotBlank(driveId, nameof(driveId));
        foreach (var c in driveId)
        {
            if (c is '/' or '?' or '#' or '%' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new CoCreationValidationException(nameof(driveId), "must be a drive id, without '/', '?', '#', '%', spaces or control characters.");
            }
        }
    }

    /// <summary>A held subscription with its <c>clientState</c> as UTF-8 bytes.</summary>
    /// <param name="Subscription">The subscription.</param>
    /// <param name="ClientState">The secret's bytes, compared in constant time.</param>
    internal sealed record SubscriptionState(Microsoft365Subscription Subscription, byte[] ClientState)
    {
        // Never print the secret, whatever a future field adds to the generated ToString.
        public override string ToString() => $"SubscriptionState({Subscription.Id})";
    }
}
