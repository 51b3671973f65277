namespace CoCreation.Sdk.Testing;

/// <summary>Walks the pages of an <see cref="AsyncPageable{T}"/> the way a caller that keeps continuation tokens would.</summary>
internal static class ConformancePaging
{
    // A provider whose tokens never run out would otherwise hang the suite; no conformance test needs this many pages.
    private const int MaxPages = 1000;

    public static async Task<List<Page<T>>> ReadPagesAsync<T>(AsyncPageable<T> pageable, string? continuationToken, int? pageSizeHint)
    {
        var pages = new List<Page<T>>();
        await foreach (var page in pageable.AsPages(continuationToken, pageSizeHint).ConfigureAwait(false))
        {
            pages.Add(page);
            if (pages.Count > MaxPages)
            {
                throw new InvalidOperationException($"The pageable returned more than {MaxPages} pages; its continuation tokens do not seem to advance.");
            }
        }

        return pages;
    }
}

/// <summary>Disposes what a hook created, whichever dispose pattern it follows.</summary>
internal static class ConformanceDisposal
{
    public static async ValueTask DisposeAsync(object? value)
    {
        switch (value)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
