using System.Text.RegularExpressions;

namespace CoCreation.Sdk.Moderation;

/// <summary>One item to moderate: an SNS post or reply and what is known of its author.</summary>
public sealed record ModerationItem
{
    /// <summary>The post or reply.</summary>
    public required SnsPost Post { get; init; }

    /// <summary>
    /// When the author's account was created, where known; defaults to <see cref="SnsPost.AuthorAccountCreatedAt"/>
    /// when <see langword="null"/>.
    /// </summary>
    public DateTimeOffset? AuthorAccountCreatedAt { get; init; }

    /// <summary>The author's key for repeated-text checks; <c>{network}:{subject}</c> when <see langword="null"/>.</summary>
    public string? AuthorKey { get; init; }

    /// <summary>The author's account creation time as the filters see it.</summary>
    public DateTimeOffset? EffectiveAccountCreatedAt => AuthorAccountCreatedAt ?? Post.AuthorAccountCreatedAt;

    /// <summary>The author key as the filters see it.</summary>
    public string EffectiveAuthorKey => AuthorKey ?? $"{Post.Network}:{Post.AuthorSubject}";

    /// <summary>Creates an item for a post.</summary>
    /// <param name="post">The post.</param>
    /// <returns>The item.</returns>
    public static ModerationItem For(SnsPost post) => new() { Post = post ?? throw new ArgumentNullException(nameof(post)) };
}

/// <summary>
/// What the filters of one moderation run share: the clock and the texts already accepted in the same
/// scope (a campaign, a discussion thread), which the repeated-text filter compares against.
/// </summary>
/// <remarks>Not thread-safe: use one context per run.</remarks>
public sealed class ModerationContext
{
    private readonly Dictionary<string, HashSet<string>> _textsByAuthor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _authorsByText = new(StringComparer.Ordinal);

    /// <summary>Creates a context.</summary>
    /// <param name="now">The time the run happens at.</param>
    public ModerationContext(DateTimeOffset now) => Now = now;

    /// <summary>The time the run happens at.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>Records an accepted text so that later items are compared with it.</summary>
    /// <param name="authorKey">The author.</param>
    /// <param name="normalizedText">The text, normalised with <see cref="Normalize"/>.</param>
    public void Remember(string authorKey, string normalizedText)
    {
        ArgumentNullException.ThrowIfNull(authorKey);
        ArgumentNullException.ThrowIfNull(normalizedText);
        if (!_textsByAuthor.TryGetValue(authorKey, out var texts))
        {
            _textsByAuthor[authorKey] = texts = new HashSet<string>(StringComparer.Ordinal);
        }

        texts.Add(normalizedText);
        if (!_authorsByText.TryGetValue(normalizedText, out var authors))
        {
            _authorsByText[normalizedText] = authors = new HashSet<string>(StringComparer.Ordinal);
        }

        authors.Add(authorKey);
    }

    /// <summary>Whether the author already wrote this text in the scope.</summary>
    /// <param name="authorKey">The author.</param>
    /// <param name="normalizedText">The normalised text.</param>
    /// <returns><see langword="true"/> when they did.</returns>
    public bool HasWritten(string authorKey, string normalizedText)
        => _textsByAuthor.TryGetValue(authorKey, out var texts) && texts.Contains(normalizedText);

    /// <summary>How many different authors already wrote this text in the scope.</summary>
    /// <param name="normalizedText">The normalised text.</param>
    /// <returns>The count.</returns>
    public int AuthorsOf(string normalizedText) => _authorsByText.TryGetValue(normalizedText, out var authors) ? authors.Count : 0;

    /// <summary>Normalises a text for comparison: mentions and links dropped, case folded, runs of spaces and punctuation collapsed.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The normalised text.</returns>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith('@'))
            {
                continue;
            }

            foreach (var c in word)
            {
                if (char.IsLetterOrDigit(c))
                {
                    builder.Append(char.ToLowerInvariant(c));
                }
            }

            builder.Append(' ');
        }

        return builder.ToString().TrimEnd();
    }
}

/// <summary>
/// A moderation filter. Filters run in order before anything is counted or shown; the first that holds
/// an item back decides, and the item is kept with its reason.
/// </summary>
/// <remarks>Implementations must be thread-safe; per-run state belongs in the <see cref="ModerationContext"/>.</remarks>
public interface IOpinionFilter
{
    /// <summary>The filter's name, recorded with every item it holds back.</summary>
    string Name { get; }

    /// <summary>Judges one item.</summary>
    /// <param name="item">The item.</param>
    /// <param name="context">The run's shared state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see cref="ModerationVerdict.Accept"/>, or a rejection with the reason.</returns>
    ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default);
}

/// <summary>
/// Runs moderation filters in order. Usable on its own (for example for discussion threads): give it an
/// SNS post or reply with what is known of its author and it answers accepted, or held back with a reason.
/// </summary>
/// <remarks>Thread-safe; each run uses its own <see cref="ModerationContext"/>.</remarks>
public sealed class ModerationPipeline
{
    private readonly IReadOnlyList<IOpinionFilter> _filters;
    private readonly TimeProvider _time;

    /// <summary>Creates a pipeline.</summary>
    /// <param name="filters">The filters, in the order they run.</param>
    /// <param name="timeProvider">The clock.</param>
    public ModerationPipeline(IEnumerable<IOpinionFilter> filters, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _filters = filters.ToList();
        _time = timeProvider;
    }

    /// <summary>The filters, in order.</summary>
    public IReadOnlyList<IOpinionFilter> Filters => _filters;

    /// <summary>Creates a pipeline with the default filters: banned words, link spam, repeated text, young accounts.</summary>
    /// <param name="options">The filters' settings.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="CoCreationValidationException">A setting is invalid.</exception>
    public static ModerationPipeline CreateDefault(OpinionModerationOptions options, TimeProvider? timeProvider = null)
        => new(DefaultFilters(options), timeProvider ?? TimeProvider.System);

    /// <summary>The default filters for a set of options.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The filters, in order.</returns>
    /// <exception cref="CoCreationValidationException">A setting is invalid.</exception>
    public static IReadOnlyList<IOpinionFilter> DefaultFilters(OpinionModerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return
        [
            new BannedWordsFilter(options.BannedWordsKorean, options.BannedWordsEnglish),
            new LinkSpamFilter(options.MaxLinks),
            new RepeatedTextFilter(options.RepeatedTextMinLength, options.RepeatedTextMaxAuthors),
            new YoungAccountFilter(options.MinAccountAge),
        ];
    }

    /// <summary>Starts a run at the current time.</summary>
    /// <returns>A fresh context.</returns>
    public ModerationContext CreateContext() => new(_time.GetUtcNow());

    /// <summary>Judges one item; an accepted item is remembered in the context for the repeated-text check.</summary>
    /// <param name="item">The item.</param>
    /// <param name="context">The run's context; a fresh one when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verdict.</returns>
    public async ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(item.Post);
        context ??= CreateContext();
        foreach (var filter in _filters)
        {
            var verdict = await filter.EvaluateAsync(item, context, cancellationToken).ConfigureAwait(false);
            if (!verdict.Accepted)
            {
                return verdict with { Filter = verdict.Filter ?? filter.Name };
            }
        }

        context.Remember(item.EffectiveAuthorKey, ModerationContext.Normalize(item.Post.Text));
        return ModerationVerdict.Accept;
    }
}

/// <summary>Holds back texts with banned words: Korean words anywhere in the text, English words as whole words in any case.</summary>
public sealed class BannedWordsFilter : IOpinionFilter
{
    private readonly string[] _korean;
    private readonly Regex? _english;

    /// <summary>Creates the filter.</summary>
    /// <param name="korean">Korean words.</param>
    /// <param name="english">English words.</param>
    public BannedWordsFilter(IEnumerable<string> korean, IEnumerable<string> english)
    {
        ArgumentNullException.ThrowIfNull(korean);
        ArgumentNullException.ThrowIfNull(english);
        _korean = korean.Select(w => w.Trim()).Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var words = english.Select(w => w.Trim()).Where(w => w.Length > 0).Select(Regex.Escape).ToArray();
        _english = words.Length == 0
            ? null
            : new Regex(@"(?<![\p{L}\p{N}])(?:" + string.Join('|', words) + @")(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <inheritdoc />
    public string Name => "banned-words";

    /// <inheritdoc />
    public ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var text = item.Post.Text;

        // Spaces inserted between syllables are a common way around Korean word lists.
        var compact = _korean.Length == 0 ? text : string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        foreach (var word in _korean)
        {
            if (compact.Contains(word, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(ModerationVerdict.Reject(Name, "contains a banned word (Korean list)"));
            }
        }

        if (_english is not null && _english.IsMatch(text))
        {
            return ValueTask.FromResult(ModerationVerdict.Reject(Name, "contains a banned word (English list)"));
        }

        return ValueTask.FromResult(ModerationVerdict.Accept);
    }
}

/// <summary>Holds back texts with more links than allowed, or that are little more than links.</summary>
public sealed partial class LinkSpamFilter : IOpinionFilter
{
    private readonly int _maxLinks;

    /// <summary>Creates the filter.</summary>
    /// <param name="maxLinks">The most links a text may carry.</param>
    public LinkSpamFilter(int maxLinks) => _maxLinks = CoCreationGuard.NotNegative(maxLinks, nameof(maxLinks));

    /// <inheritdoc />
    public string Name => "link-spam";

    /// <inheritdoc />
    public ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var text = item.Post.Text;
        var links = LinkPattern().Matches(text);
        if (links.Count > _maxLinks)
        {
            return ValueTask.FromResult(ModerationVerdict.Reject(Name, string.Create(CultureInfo.InvariantCulture, $"{links.Count} links (at most {_maxLinks} allowed)")));
        }

        if (links.Count > 0)
        {
            var linkLength = links.Sum(m => m.Length);
            var rest = text.Length - linkLength;
            if (rest < 10 && linkLength > rest)
            {
                return ValueTask.FromResult(ModerationVerdict.Reject(Name, "a link with almost no text"));
            }
        }

        return ValueTask.FromResult(ModerationVerdict.Accept);
    }

    [GeneratedRegex(@"(?:https?://|www\.)\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LinkPattern();
}

/// <summary>
/// Holds back repeated text: the same author writing the same text again in the scope, or the same text
/// from more than the allowed number of different authors (copy-paste campaigns). Short texts such as
/// votes are never held back by it.
/// </summary>
public sealed class RepeatedTextFilter : IOpinionFilter
{
    private readonly int _minLength;
    private readonly int _maxAuthors;

    /// <summary>Creates the filter.</summary>
    /// <param name="minLength">The shortest normalised text it looks at.</param>
    /// <param name="maxAuthors">How many authors may write the same text.</param>
    public RepeatedTextFilter(int minLength, int maxAuthors)
    {
        _minLength = CoCreationGuard.Positive(minLength, nameof(minLength));
        _maxAuthors = CoCreationGuard.Positive(maxAuthors, nameof(maxAuthors));
    }

    /// <inheritdoc />
    public string Name => "repeated-text";

    /// <inheritdoc />
    public ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var normalized = ModerationContext.Normalize(item.Post.Text);
        if (normalized.Length < _minLength)
        {
            return ValueTask.FromResult(ModerationVerdict.Accept);
        }

        if (context.HasWritten(item.EffectiveAuthorKey, normalized))
        {
            return ValueTask.FromResult(ModerationVerdict.Reject(Name, "the author already wrote the same text"));
        }

        if (context.AuthorsOf(normalized) >= _maxAuthors)
        {
            return ValueTask.FromResult(ModerationVerdict.Reject(Name, string.Create(CultureInfo.InvariantCulture, $"the same text came from more than {_maxAuthors} accounts")));
        }

        return ValueTask.FromResult(ModerationVerdict.Accept);
    }
}

/// <summary>
/// Holds back posts written by accounts younger than a minimum age at the time of the post, where the network
/// reports when the account was created.
/// </summary>
public sealed class YoungAccountFilter : IOpinionFilter
{
    private readonly TimeSpan? _minAge;

    /// <summary>Creates the filter.</summary>
    /// <param name="minAge">The minimum account age; <see langword="null"/> turns the filter off.</param>
    public YoungAccountFilter(TimeSpan? minAge) => _minAge = minAge;

    /// <inheritdoc />
    public string Name => "young-account";

    /// <inheritdoc />
    public ValueTask<ModerationVerdict> EvaluateAsync(ModerationItem item, ModerationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        // The age that matters is the account's age when it wrote the post, not when the post is read.
        if (_minAge is { } min && item.EffectiveAccountCreatedAt is { } created && item.Post.CreatedAt - created < min)
        {
            var days = (item.Post.CreatedAt - created).TotalDays;
            return ValueTask.FromResult(ModerationVerdict.Reject(Name, string.Create(CultureInfo.InvariantCulture, $"account is {days:0.#} days old (at least {min.TotalDays:0.#} required)")));
        }

        return ValueTask.FromResult(ModerationVerdict.Accept);
    }
}
