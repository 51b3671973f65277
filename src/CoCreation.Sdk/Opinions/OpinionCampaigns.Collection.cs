using System.Globalization;
using System.Text.Json;
using CoCreation.Sdk.Moderation;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions;

// Collection: reading polls, replies and keyword hits page by page from stored cursors.
public sealed partial class OpinionCampaigns
{
    /// <summary>
    /// Collects what arrived since the last run: native poll counts, replies to every question post, and public
    /// posts matching the campaign's keywords. Each source is read page by page from its stored cursor, and every
    /// page is stored with its cursor in one change, so an interrupted run resumes where it stopped and reading
    /// the same item twice stores it once. Every new item is moderated before it is stored.
    /// </summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the run did; a source that failed is named in <see cref="CollectionReport.Errors"/> and the others are still read.</returns>
    /// <exception cref="CoCreationValidationException">No such campaign.</exception>
    /// <remarks>Collecting a closed campaign is allowed: it picks up votes cast before closing; later ones are stored but not counted.</remarks>
    public async Task<CollectionReport> CollectAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(campaignId, nameof(campaignId));
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var campaign = await RequireAsync(campaignId, cancellationToken).ConfigureAwait(false);
            var run = new CollectionRun(this, campaign, await SeededContextAsync(campaignId, cancellationToken).ConfigureAwait(false));
            await run.LoadKnownAsync(cancellationToken).ConfigureAwait(false);
            await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            return run.Report();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One collection run over all sources of a campaign.</summary>
    private sealed class CollectionRun(OpinionCampaigns owner, OpinionCampaign campaign, ModerationContext context)
    {
        private readonly Dictionary<string, int?> _known = new(StringComparer.Ordinal);
        private readonly HashSet<string> _ownPosts = new(campaign.Publications.Where(p => p.PostId is not null).Select(p => p.Network + "|" + p.PostId), StringComparer.Ordinal);
        private readonly RespondentResolver _resolver = new(owner._identities);
        private readonly List<string> _errors = [];
        private int _new;
        private int _filtered;
        private int _polls;
        private int _pages;
        private bool _hasMore;

        public async Task LoadKnownAsync(CancellationToken cancellationToken)
        {
            foreach (var (id, json) in await owner._store.ListDocumentsAsync(ResponsesCollection(campaign.Id, owner._instance), cancellationToken).ConfigureAwait(false))
            {
                _known[id] = JsonSerializer.Deserialize<OpinionResponse>(json, Json)!.QuestionIndex;
            }
        }

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            foreach (var publication in campaign.Publications)
            {
                if (publication.Method == VoteMethod.DirectMessage || publication.PostId is null)
                {
                    continue;
                }

                var connector = owner._providers.GetSns(publication.Network);
                await GuardAsync(publication.Network, async () =>
                {
                    if (publication is { Method: VoteMethod.NativePoll, PollId: { } pollId })
                    {
                        await ReadPollAsync(connector, publication, pollId, cancellationToken).ConfigureAwait(false);
                    }

                    if (connector.Capabilities.SupportsReplies)
                    {
                        await ReadRepliesAsync(connector, publication, cancellationToken).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
            }

            foreach (var network in campaign.Networks)
            {
                var connector = owner._providers.GetSns(network);
                if (!connector.Capabilities.SupportsSearch)
                {
                    continue;
                }

                foreach (var keyword in campaign.Keywords)
                {
                    await GuardAsync(network, () => SearchAsync(connector, keyword, cancellationToken)).ConfigureAwait(false);
                }
            }
        }

        public CollectionReport Report() => new()
        {
            CampaignId = campaign.Id,
            NewResponses = _new,
            NewlyFiltered = _filtered,
            PollsRead = _polls,
            PagesRead = _pages,
            HasMore = _hasMore,
            Errors = _errors,
        };

        private async Task GuardAsync(string network, Func<Task> read)
        {
            try
            {
                await read().ConfigureAwait(false);
            }
            catch (CoCreationException ex) when (ex is not CoCreationValidationException)
            {
                // One failing network must not stop the others; its cursor stays where it was.
                _errors.Add($"{network}: {ErrorText.Describe(ex)}");
            }
        }

        private async Task ReadPollAsync(ISnsConnector connector, CampaignPublication publication, string pollId, CancellationToken cancellationToken)
        {
            var results = await connector.GetPollResultsAsync(pollId, cancellationToken).ConfigureAwait(false);
            var tally = new PollTally
            {
                Network = publication.Network,
                QuestionIndex = publication.QuestionIndex,
                PollId = pollId,
                Counts = results.Options.Select(o => o.Votes).ToList(),
                VotersCount = results.VotersCount,
                ReadAt = owner._time.GetUtcNow(),
                IsClosed = results.IsClosed,
            };
            await owner._store.ApplyAsync(
                new StoreChanges().PutDocument(TalliesCollection(campaign.Id, owner._instance), $"{publication.Network}|{publication.QuestionIndex}", JsonSerializer.Serialize(tally, Json)),
                cancellationToken).ConfigureAwait(false);
            _polls++;
        }

        private async Task ReadRepliesAsync(ISnsConnector connector, CampaignPublication publication, CancellationToken cancellationToken)
        {
            var cursorKey = $"opinions:{campaign.Id}:replies:{publication.Network}:{publication.PostId}";
            var cursor = await owner._store.GetCursorAsync(cursorKey, cancellationToken).ConfigureAwait(false);
            var question = campaign.Questions[publication.QuestionIndex];

            // Replies below this question: direct replies, and replies to those. Later questions of a survey
            // thread are replies too, and what lies below them belongs to them.
            var thread = new HashSet<string>(StringComparer.Ordinal) { publication.PostId! };
            var pages = 0;
            await foreach (var page in connector.GetRepliesAsync(publication.PostId!, cancellationToken).AsPages(string.IsNullOrEmpty(cursor) ? null : cursor).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var changes = new StoreChanges();
                foreach (var post in page.Values)
                {
                    if (post.InReplyToId is null || !InThread(thread, publication, post.InReplyToId) || IsOwn(publication.Network, post, publication.BrandSubject))
                    {
                        continue;
                    }

                    thread.Add(post.Id);
                    var direct = post.InReplyToId == publication.PostId;
                    var options = direct && publication.Method == VoteMethod.NumberedReplies
                        ? NumberedReplyParser.Parse(post.Text, question.Options.Count, question.AllowMultiple)
                        : [];
                    await AddAsync(changes, post, publication.QuestionIndex, options.Count > 0 ? ResponseKind.Vote : ResponseKind.Reply, options, cancellationToken).ConfigureAwait(false);
                }

                pages++;
                _pages++;

                // The last page has no token; keeping the previous one means the next run re-reads that page
                // (stored items are skipped) and then sees replies added since.
                if (page.ContinuationToken is not null)
                {
                    changes.SetCursor(cursorKey, page.ContinuationToken);
                }

                if (!changes.IsEmpty)
                {
                    await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                }

                if (page.ContinuationToken is not null && pages >= owner._options.MaxPagesPerCollect)
                {
                    _hasMore = true;
                    break;
                }
            }
        }

        private async Task SearchAsync(ISnsConnector connector, string keyword, CancellationToken cancellationToken)
        {
            // Search runs newest first, so a page token cannot see posts that arrive later. A walk therefore
            // goes from the top down to the newest time a finished walk reached ("since"); a walk cut short by
            // the page limit stores its page token, the newest time it saw and the since it ran with
            // ("resume"), and the next run finishes it before "since" moves on. Posts are keyed by id, so
            // reading one twice stores it once.
            var network = connector.Metadata.Name;
            var sinceKey = $"opinions:{campaign.Id}:search:{network}:{keyword}";
            var resumeKey = sinceKey + ":resume";
            var stored = await owner._store.GetCursorAsync(sinceKey, cancellationToken).ConfigureAwait(false);
            var since = string.IsNullOrEmpty(stored) ? campaign.StartedAt : ParseTime(stored);
            var newest = since;
            string? token = null;
            var resume = await owner._store.GetCursorAsync(resumeKey, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(resume) && resume.Split('\n') is [var resumeSince, var resumeNewest, var resumeToken])
            {
                since = ParseTime(resumeSince);
                newest = ParseTime(resumeNewest);
                token = resumeToken;
            }

            var pages = 0;
            await foreach (var page in connector.SearchAsync(new SearchQuery { Text = keyword, Since = since }, cancellationToken).AsPages(token).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var changes = new StoreChanges();
                foreach (var post in page.Values)
                {
                    if (IsOwn(network, post, null) || campaign.Publications.Any(p => p.Network == network && p.BrandSubject == post.AuthorSubject))
                    {
                        continue;
                    }

                    if (post.CreatedAt > newest)
                    {
                        newest = post.CreatedAt;
                    }

                    await AddAsync(changes, post, null, ResponseKind.SearchHit, [], cancellationToken).ConfigureAwait(false);
                }

                pages++;
                _pages++;
                if (page.ContinuationToken is null)
                {
                    changes.SetCursor(sinceKey, FormatTime(newest)).SetCursor(resumeKey, "");
                    await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                    break;
                }

                changes.SetCursor(resumeKey, string.Join('\n', FormatTime(since), FormatTime(newest), page.ContinuationToken));
                await owner._store.ApplyAsync(changes, cancellationToken).ConfigureAwait(false);
                if (pages >= owner._options.MaxPagesPerCollect)
                {
                    _hasMore = true;
                    break;
                }
            }
        }

        private static DateTimeOffset ParseTime(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

        private static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

        // A parent read in an earlier run is known from the store; one read in this run is in the set.
        private bool InThread(HashSet<string> thread, CampaignPublication publication, string parentId)
            => thread.Contains(parentId)
                || (_known.TryGetValue(publication.Network + "|" + parentId, out var question) && question == publication.QuestionIndex);

        private bool IsOwn(string network, SnsPost post, string? brandSubject)
            => _ownPosts.Contains(network + "|" + post.Id) || (brandSubject is not null && post.AuthorSubject == brandSubject);

        private async Task AddAsync(StoreChanges changes, SnsPost post, int? questionIndex, ResponseKind kind, IReadOnlyList<int> options, CancellationToken cancellationToken)
        {
            var key = post.Network + "|" + post.Id;
            if (!_known.TryAdd(key, questionIndex))
            {
                return;
            }

            var identity = await _resolver.ResolveAsync(post.Network, post.AuthorSubject, cancellationToken).ConfigureAwait(false);
            var verdict = await owner._moderation.EvaluateAsync(new ModerationItem { Post = post, AuthorKey = identity.Key }, context, cancellationToken).ConfigureAwait(false);
            var response = new OpinionResponse
            {
                CampaignId = campaign.Id,
                QuestionIndex = questionIndex,
                Network = post.Network,
                ItemId = post.Id,
                Kind = kind,
                AuthorSubject = post.AuthorSubject,
                AuthorHandle = post.AuthorHandle,
                ParticipantId = identity.ParticipantId,
                RespondentKey = identity.Key,
                OptionIndexes = options,
                Text = post.Text,
                CreatedAt = post.CreatedAt,
                Moderation = verdict,
            };
            changes.PutDocument(ResponsesCollection(campaign.Id, owner._instance), key, JsonSerializer.Serialize(response, Json));
            _new++;
            if (!verdict.Accepted)
            {
                _filtered++;
            }
        }
    }
}
