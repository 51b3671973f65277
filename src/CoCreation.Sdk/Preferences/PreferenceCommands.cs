namespace CoCreation.Sdk;

/// <summary>
/// Delivery-preference commands a person sends over SNS, in Korean or English: a direct message (or a webhook
/// carrying one) to <see cref="HandleAsync"/>, or a reply to a brand post read with <see cref="ApplyRepliesAsync"/>.
/// The words are listed in docs/preferences.md: for example <c>digest shipment</c> / <c>요약 배송</c>,
/// <c>off stock</c> / <c>끄기 재고</c>, <c>quiet 22:00-07:00</c> / <c>방해금지 22:00-07:00</c>, <c>settings</c> / <c>설정</c>.
/// </summary>
/// <remarks>
/// <para>
/// Whose settings change is decided only by the author's SNS identity as the network reported it: the participant
/// linked to that network and account id. The text never names a person; an author linked to no participant changes
/// nothing. Pass only an author the network has vouched for (a verified webhook, or the connector's own API).
/// </para>
/// <para>
/// Nothing is sent: every call returns a <see cref="PreferenceCommandResult"/> with a reply in the person's language
/// (the new one, when the command changed it), which the caller sends, for example with
/// <see cref="ISnsConnector.SendDirectMessageAsync"/>. A change goes through <see cref="IDeliveryPreferences"/>'
/// checks, versioned write and audit line; a bad command changes nothing and its reply says what was wrong.
/// </para>
/// </remarks>
public interface IPreferenceCommands
{
    /// <summary>Applies one command from a verified SNS author, for example from a direct message.</summary>
    /// <param name="network">The connector name the message came through.</param>
    /// <param name="authorSubject">The author's stable account id, as the network reported it.</param>
    /// <param name="text">The message text; leading mentions (<c>@brand</c>) are ignored.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What happened and the reply to send.</returns>
    /// <exception cref="CoCreationValidationException">The network or author is blank, or the text is null.</exception>
    Task<PreferenceCommandResult> HandleAsync(string network, string authorSubject, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the direct replies to a brand post from where the last call stopped and applies each as a command from
    /// its author (the author taken from the post data). Each reply is applied once: the stored cursor moves in the
    /// same change set as the change the reply makes.
    /// </summary>
    /// <param name="network">The connector name the post is on; its connector must support replies.</param>
    /// <param name="postId">The brand post.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per new reply, oldest page first. Send replies for <see cref="PreferenceCommandOutcome.Changed"/>,
    /// <see cref="PreferenceCommandOutcome.Shown"/> and <see cref="PreferenceCommandOutcome.Invalid"/>; other replies under a
    /// public post are usually conversation, not commands.</returns>
    /// <exception cref="CoCreationValidationException">The network is not registered, its connector reads no replies, or the post id is blank.</exception>
    Task<IReadOnlyList<PreferenceCommandResult>> ApplyRepliesAsync(string network, string postId, CancellationToken cancellationToken = default);
}

/// <summary>What a preference command did.</summary>
public enum PreferenceCommandOutcome
{
    /// <summary>The settings were changed (or already were as asked).</summary>
    Changed,

    /// <summary>The current settings were shown (<c>settings</c> / <c>설정</c>).</summary>
    Shown,

    /// <summary>The list of commands was shown (<c>help</c> / <c>도움말</c>).</summary>
    Help,

    /// <summary>A command word with a bad argument, or a value the settings refuse; nothing changed.</summary>
    Invalid,

    /// <summary>The text starts with no command word; nothing changed.</summary>
    NotACommand,

    /// <summary>The author is linked to no participant; nothing changed.</summary>
    UnknownAuthor,
}

/// <summary>The result of one preference command.</summary>
public sealed record PreferenceCommandResult
{
    /// <summary>What the command did.</summary>
    public required PreferenceCommandOutcome Outcome { get; init; }

    /// <summary>The connector name the command came through.</summary>
    public required string Network { get; init; }

    /// <summary>The author's stable account id: where to send <see cref="Reply"/>.</summary>
    public required string AuthorSubject { get; init; }

    /// <summary>The reply post the command came in (from <see cref="IPreferenceCommands.ApplyRepliesAsync"/>); <see langword="null"/> for a direct message.</summary>
    public string? PostId { get; init; }

    /// <summary>The participant the author is linked to; <see langword="null"/> for <see cref="PreferenceCommandOutcome.UnknownAuthor"/>.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>
    /// The culture <see cref="Reply"/> is written in (<c>ko-KR</c>, <c>en-US</c>). For an unknown author it is <c>ko-KR</c>:
    /// the reply is in Korean, followed by the same in English.
    /// </summary>
    public required string Locale { get; init; }

    /// <summary>The reply to send the author: what changed, the settings, or what was wrong.</summary>
    public required string Reply { get; init; }

    /// <summary>The settings after the command; <see langword="null"/> for an unknown author.</summary>
    public DeliverySettings? Settings { get; init; }

    /// <summary>For <see cref="PreferenceCommandOutcome.Invalid"/> refused by the settings' checks, the field named.</summary>
    public string? InvalidField { get; init; }
}

/// <summary>Parses and applies preference commands; see <see cref="IPreferenceCommands"/>.</summary>
internal sealed class PreferenceCommands(ICoCreationStore store, ICoCreationProviders providers, DeliveryPreferencesService preferences) : IPreferenceCommands
{
    private readonly SemaphoreSlim _repliesGate = new(1, 1);

    public Task<PreferenceCommandResult> HandleAsync(string network, string authorSubject, string text, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(network, nameof(network));
        CoCreationGuard.NotBlank(authorSubject, nameof(authorSubject));
        if (text is null)
        {
            throw new CoCreationValidationException(nameof(text), "must not be null.");
        }

        return HandleCoreAsync(network, authorSubject, text, null, null, cancellationToken);
    }

    public async Task<IReadOnlyList<PreferenceCommandResult>> ApplyRepliesAsync(string network, string postId, CancellationToken cancellationToken = default)
    {
        CoCreationProviders.EnsureRegistered(providers.SnsNetworks, network, nameof(network), "SNS connector");
        CoCreationGuard.NotBlank(postId, nameof(postId));
        var connector = providers.GetSns(network);
        if (!connector.Capabilities.SupportsReplies)
        {
            throw new CoCreationValidationException(nameof(network), $"the '{network}' connector does not read replies.");
        }

        var cursorKey = $"preferences:replies:{network}:{postId}";
        var results = new List<PreferenceCommandResult>();
        await _repliesGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The cursor is the token of the page being read and the replies of it already applied: the last page has no
            // next token, so the next call reads it again and skips what it applied.
            var cursor = ReplyCursor.Parse(await store.GetCursorAsync(cursorKey, cancellationToken).ConfigureAwait(false));
            var pageStart = cursor.Page;
            var seen = new HashSet<string>(cursor.Seen, StringComparer.Ordinal);
            await foreach (var page in connector.GetRepliesAsync(postId, cancellationToken).AsPages(pageStart).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var post in page.Values)
                {
                    if (!seen.Add(post.Id))
                    {
                        continue;
                    }

                    var next = new ReplyCursor(pageStart, [.. seen.Order(StringComparer.Ordinal)]).ToString();
                    void Advance(StoreChanges changes) => changes.SetCursor(cursorKey, next);
                    if (post.InReplyToId != postId || string.IsNullOrWhiteSpace(post.AuthorSubject))
                    {
                        await store.ApplyAsync(new StoreChanges().SetCursor(cursorKey, next), cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    results.Add(await HandleCoreAsync(network, post.AuthorSubject, post.Text ?? "", post.Id, Advance, cancellationToken).ConfigureAwait(false));
                }

                if (page.ContinuationToken is not null)
                {
                    pageStart = page.ContinuationToken;
                    seen.Clear();
                    await store.ApplyAsync(new StoreChanges().SetCursor(cursorKey, new ReplyCursor(pageStart, []).ToString()), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _repliesGate.Release();
        }

        return results;
    }

    private async Task<PreferenceCommandResult> HandleCoreAsync(
        string network, string subject, string text, string? postId, Action<StoreChanges>? alongside, CancellationToken cancellationToken)
    {
        async Task StoreAlongsideAsync()
        {
            if (alongside is not null)
            {
                var changes = new StoreChanges();
                alongside(changes);
                await store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
            }
        }

        var participant = await store.FindParticipantBySnsAsync(network, subject, cancellationToken).ConfigureAwait(false);
        if (participant is null)
        {
            await StoreAlongsideAsync().ConfigureAwait(false);
            return new PreferenceCommandResult
            {
                Outcome = PreferenceCommandOutcome.UnknownAuthor,
                Network = network,
                AuthorSubject = subject,
                PostId = postId,
                Locale = "ko-KR",
                Reply = PreferenceTexts.UnknownAuthor,
            };
        }

        var command = PreferenceCommandParser.Parse(text);
        PreferenceCommandResult Result(PreferenceCommandOutcome outcome, Participant who, string reply, string? field = null) => new()
        {
            Outcome = outcome,
            Network = network,
            AuthorSubject = subject,
            PostId = postId,
            ParticipantId = who.Id,
            Locale = who.PreferredLocale,
            Reply = reply,
            Settings = DeliverySettings.Of(who),
            InvalidField = field,
        };

        switch (command.Kind)
        {
            case ParsedCommandKind.Change:
                break;
            case ParsedCommandKind.Show:
                await StoreAlongsideAsync().ConfigureAwait(false);
                return Result(PreferenceCommandOutcome.Shown, participant, PreferenceTexts.Settings(participant));
            case ParsedCommandKind.Help:
                await StoreAlongsideAsync().ConfigureAwait(false);
                return Result(PreferenceCommandOutcome.Help, participant, PreferenceTexts.Help(participant.PreferredLocale));
            case ParsedCommandKind.Invalid:
                await StoreAlongsideAsync().ConfigureAwait(false);
                return Result(PreferenceCommandOutcome.Invalid, participant, PreferenceTexts.Pick(participant.PreferredLocale, command.Error!) + "\n" + PreferenceTexts.HelpHint(participant.PreferredLocale));
            default:
                await StoreAlongsideAsync().ConfigureAwait(false);
                return Result(PreferenceCommandOutcome.NotACommand, participant, PreferenceTexts.Help(participant.PreferredLocale));
        }

        Participant updated;
        try
        {
            var change = DeliverySettingsRules.Normalise(command.Change, "change");
            updated = await preferences.ApplyAsync(participant.Id, "participantId", change, alongside, cancellationToken, via: $"sns:{network}").ConfigureAwait(false);
        }
        catch (CoCreationValidationException ex)
        {
            // Refused before anything was written: say what was wrong, in the person's language.
            await StoreAlongsideAsync().ConfigureAwait(false);
            return Result(PreferenceCommandOutcome.Invalid, participant, PreferenceTexts.Refused(participant, ex.Field, command.Change!) + "\n" + PreferenceTexts.HelpHint(participant.PreferredLocale), ex.Field);
        }

        return Result(PreferenceCommandOutcome.Changed, updated, PreferenceTexts.Confirm(updated, command.Change!));
    }

    private sealed record ReplyCursor(string? Page, string[] Seen)
    {
        public static ReplyCursor Parse(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return new(null, []);
            }

            var stored = JsonSerializer.Deserialize<Stored>(text);
            return new(stored?.Page, stored?.Seen ?? []);
        }

        public override string ToString() => JsonSerializer.Serialize(new Stored { Page = Page, Seen = Seen });

        private sealed class Stored
        {
            public string? Page { get; set; }

            public string[]? Seen { get; set; }
        }
    }
}
