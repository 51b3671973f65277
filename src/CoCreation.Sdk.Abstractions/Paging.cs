namespace CoCreation.Sdk;

/// <summary>One page of results and the token that fetches the next one.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Values">The items of this page.</param>
/// <param name="ContinuationToken">The token of the next page, or <see langword="null"/> on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Values, string? ContinuationToken);

/// <summary>
/// A sequence of items fetched page by page. Enumerate it for the items, or call
/// <see cref="AsPages"/> to walk the pages and keep the continuation token, so a later run can resume.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>Each enumeration fetches again from the provider; instances are safe to enumerate concurrently.</remarks>
public abstract class AsyncPageable<T> : IAsyncEnumerable<T>
{
    /// <summary>The cancellation token given when the pageable was created.</summary>
    protected CancellationToken CancellationToken { get; }

    /// <summary>Creates a pageable.</summary>
    /// <param name="cancellationToken">Cancels every fetch of this pageable.</param>
    protected AsyncPageable(CancellationToken cancellationToken = default) => CancellationToken = cancellationToken;

    /// <summary>Walks the pages, starting at <paramref name="continuationToken"/>.</summary>
    /// <param name="continuationToken">Where to start; <see langword="null"/> for the first page.</param>
    /// <param name="pageSizeHint">How many items a page should hold; providers may return fewer.</param>
    /// <returns>The pages in order.</returns>
    public abstract IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null);

    /// <inheritdoc />
    public virtual async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var page in AsPages().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var value in page.Values)
            {
                yield return value;
            }
        }
    }

    /// <summary>Creates a pageable from a function that fetches one page.</summary>
    /// <param name="fetchPage">Fetches the page at a continuation token with a size hint.</param>
    /// <param name="cancellationToken">Cancels every fetch.</param>
    /// <returns>The pageable.</returns>
    public static AsyncPageable<T> Create(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetchPage);
        return new FuncAsyncPageable(fetchPage, cancellationToken);
    }

    /// <summary>Creates a pageable over items already in memory, in pages of <paramref name="defaultPageSize"/>.</summary>
    /// <param name="items">The items.</param>
    /// <param name="defaultPageSize">The page size when no hint is given.</param>
    /// <returns>The pageable; its continuation tokens are offsets.</returns>
    public static AsyncPageable<T> FromList(IReadOnlyList<T> items, int defaultPageSize = 50)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Create((token, hint, _) =>
        {
            var offset = token is null ? 0 : int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
            var size = Math.Max(1, hint ?? defaultPageSize);
            var values = items.Skip(offset).Take(size).ToList();
            var next = offset + values.Count < items.Count ? (offset + values.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new Page<T>(values, next));
        });
    }

    private sealed class FuncAsyncPageable(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, CancellationToken cancellationToken)
        : AsyncPageable<T>(cancellationToken)
    {
        public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
        {
            var token = continuationToken;
            do
            {
                var page = await fetchPage(token, pageSizeHint, CancellationToken).ConfigureAwait(false);
                yield return page;
                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        public override async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken, cancellationToken);
            var token = (string?)null;
            do
            {
                var page = await fetchPage(token, null, linked.Token).ConfigureAwait(false);
                foreach (var value in page.Values)
                {
                    yield return value;
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }
    }
}
