using CoCreation.Sdk.Diagnostics;

namespace CoCreation.Sdk;

/// <summary>Sources and webhooks: the pull and push ways into the relay.</summary>
internal sealed partial class EventRelay
{
    // Sources from providers as last seen: SourceNames is synchronous, providers are not.
    private volatile IReadOnlyList<string> _providedNames = [];

    public IReadOnlyList<string> SourceNames => [.. StaticSources().Select(s => s.Name).Concat(_providedNames).Distinct(StringComparer.Ordinal)];

    public async Task<IReadOnlyList<RelayResult>> PollSourcesAsync(CancellationToken cancellationToken = default)
    {
        var results = new List<RelayResult>();
        foreach (var source in await AllSourcesAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await PollSourceAsync(source, results, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One failing source must not stop the others; its cursor stays where it was.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.PollFailed(_logger, ex, source.Name);
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<RelayResult>> PollAsync(string sourceName, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(sourceName, nameof(sourceName));
        var source = (await AllSourcesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => string.Equals(s.Name, sourceName, StringComparison.Ordinal))
            ?? throw new CoCreationValidationException(nameof(sourceName), $"no event source named '{sourceName}' is registered.");
        var results = new List<RelayResult>();
        await PollSourceAsync(source, results, cancellationToken).ConfigureAwait(false);
        return results;
    }

    public async Task<IReadOnlyList<RelayResult>> ReceiveWebhookAsync(string receiverName, WebhookRequest request, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(receiverName, nameof(receiverName));
        if (request is null)
        {
            throw new CoCreationValidationException(nameof(request), "must not be null.");
        }

        if (!_receivers.TryGetValue(receiverName, out var receiver))
        {
            throw new CoCreationValidationException(nameof(receiverName), $"no webhook receiver named '{receiverName}' is registered.");
        }

        // Verification happens inside the receiver, before it parses; a refusal goes up as WebhookVerificationException.
        // Counted here, so every receiver's outcome is measured the same way whatever host took the request.
        WebhookReceipt receipt;
        try
        {
            receipt = await receiver.ReceiveAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (WebhookVerificationException refused)
        {
            CoCreationDiagnostics.RecordWebhookRefused(receiverName, refused.Reason);
            throw;
        }

        CoCreationDiagnostics.RecordWebhookVerified(receiverName);
        var results = new List<RelayResult>();
        var batch = new HashSet<IEventConsumer>(ReferenceEqualityComparer.Instance);
        foreach (var @event in receipt.Events)
        {
            await PublishCheckedAsync(@event, receiverName, results, batch, cancellationToken).ConfigureAwait(false);
        }

        await CompleteAsync(batch, cancellationToken).ConfigureAwait(false);

        var sources = receipt.SourcesToPoll.Count == 0 ? [] : await AllSourcesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in receipt.SourcesToPoll.Distinct(StringComparer.Ordinal))
        {
            var source = sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
            if (source is null)
            {
                PipelineLog.NoSuchSource(_logger, receiverName, name);
                continue;
            }

            await PollSourceAsync(source, results, cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private static Dictionary<string, T> CheckNames<T>(IEnumerable<T> items, Func<T, string> name, string field)
    {
        var byName = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = CoCreationGuard.NotBlank(name(item), field);
            if (!byName.TryAdd(key, item))
            {
                throw new CoCreationValidationException(field, $"'{key}' is registered twice.");
            }
        }

        return byName;
    }

    // The registered sources first, then those providers know now; a name seen before is not polled twice.
    private async Task<IReadOnlyList<IEventSource>> AllSourcesAsync(CancellationToken cancellationToken)
    {
        var all = StaticSources().ToList();
        if (_sourceProviders.Count == 0)
        {
            return all;
        }

        var names = all.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var provided = new List<string>();
        foreach (var provider in _sourceProviders)
        {
            IReadOnlyList<IEventSource> current;
            try
            {
                current = await provider.GetSourcesAsync(cancellationToken).ConfigureAwait(false) ?? [];
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // One failing provider must not hide the other sources.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.PollFailed(_logger, ex, provider.GetType().Name);
                continue;
            }

            foreach (var source in current)
            {
                if (source is not null && !string.IsNullOrWhiteSpace(source.Name) && names.Add(source.Name))
                {
                    all.Add(source);
                    provided.Add(source.Name);
                }
            }
        }

        _providedNames = provided;
        return all;
    }

    // Each enterprise system is a source; a registered source of the same name takes its place.
    private IEnumerable<IEventSource> StaticSources()
    {
        foreach (var system in _providers.EnterpriseSystems)
        {
            var name = EnterpriseEventSource.NameOf(system);
            if (!_sources.ContainsKey(name))
            {
                yield return new EnterpriseEventSource(system, _providers.GetEnterprise(system));
            }
        }

        foreach (var source in _sources.Values)
        {
            yield return source;
        }
    }

    private async Task PublishCheckedAsync(CoCreationEvent @event, string from, List<RelayResult> results, HashSet<IEventConsumer> batch, CancellationToken cancellationToken)
    {
        try
        {
            results.Add(await PublishInBatchAsync(@event, batch, cancellationToken).ConfigureAwait(false));
        }
        catch (CoCreationValidationException ex)
        {
            // A malformed event never becomes valid; skipping it keeps the source from being stuck on it.
            Log.InvalidEvent(_logger, from, ex.Field);
        }
    }

    private async Task PollSourceAsync(IEventSource source, List<RelayResult> results, CancellationToken cancellationToken)
    {
        using var polling = await _pollLocks.AcquireAsync(source.Name, cancellationToken).ConfigureAwait(false);
        var batch = new HashSet<IEventConsumer>(ReferenceEqualityComparer.Instance);
        var cursor = await _store.GetCursorAsync(source.Name, cancellationToken).ConfigureAwait(false);
        var count = 0;
        while (true)
        {
            var page = await source.ReadAsync(cursor, cancellationToken).ConfigureAwait(false);
            foreach (var @event in page.Events)
            {
                await PublishCheckedAsync(@event, source.Name, results, batch, cancellationToken).ConfigureAwait(false);
                count++;
            }

            // Only now, with the page's deliveries in the outbox, may the cursor move past them.
            if (!string.IsNullOrEmpty(page.Cursor) && page.Cursor != cursor)
            {
                await _store.ApplyAsync(new StoreChanges().SetCursor(source.Name, page.Cursor), cancellationToken).ConfigureAwait(false);
                cursor = page.Cursor;
            }

            if (!page.HasMore || page.Events.Count == 0 || count >= _options.MaxEventsPerPoll)
            {
                break;
            }
        }

        // After the cursor moved: a consumer's own work on the batch (a digest) sees every event of the poll.
        await CompleteAsync(batch, cancellationToken).ConfigureAwait(false);
        Log.Polled(_logger, count, source.Name);
    }
}
