using CoCreation.Sdk.Sns;
using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// The behaviour every <see cref="ISnsConnector"/> must show. An adapter's test project derives a
/// non-abstract fixture from this class and implements the hooks; every test then runs against the adapter.
/// </summary>
/// <remarks>
/// <para>
/// Optional features are not skipped: when <see cref="ISnsConnector.Capabilities"/> says a feature is
/// missing, the test asserts that the connector refuses it with <see cref="CapabilityNotSupportedException"/>.
/// Hooks that need the network's cooperation (voting, reading an inbox, replying as a member) are optional;
/// their <c>Can…</c> flag tells the suite whether to use them.
/// </para>
/// <para>
/// <see cref="CreateConnectorAsync"/> runs before every test; the other hooks run during the test, after it,
/// so a hook may rely on state the connector hook set up. NUnit creates one fixture instance and runs its tests
/// one after another; the suite is not meant to run tests of one fixture in parallel.
/// </para>
/// </remarks>
[TestFixture]
[Category("Conformance")]
public abstract class SnsConnectorConformanceTests
{
    private ISnsConnector? connector;

    /// <summary>The connector under test, created by <see cref="CreateConnectorAsync"/> before each test.</summary>
    protected ISnsConnector Connector => connector ?? throw new InvalidOperationException("The connector is created before each test; it is not available outside a test.");

    /// <summary>Creates the connector under test, publishing as the brand account. Called before every test.</summary>
    /// <returns>A connector to a network (or a stand-in for it) that the other hooks also act on.</returns>
    protected abstract Task<ISnsConnector> CreateConnectorAsync();

    /// <summary>Returns the stable account id (<see cref="SnsIdentity.Subject"/>) of the brand account the connector publishes as.</summary>
    /// <returns>The brand's subject.</returns>
    protected abstract Task<string> GetBrandSubjectAsync();

    /// <summary>Creates a member account on the same network as the connector and returns a valid credential for it.</summary>
    /// <returns>A credential that <see cref="ISnsConnector.VerifyCredentialsAsync"/> accepts; each call returns a different member.</returns>
    protected abstract Task<SnsCredential> CreateMemberCredentialAsync();

    /// <summary>Returns a well-formed credential the network has never issued.</summary>
    /// <returns>A credential that <see cref="ISnsConnector.VerifyCredentialsAsync"/> must refuse.</returns>
    protected abstract SnsCredential CreateUnknownCredential();

    /// <summary>Returns a credential that was valid and has expired, where the test setup can make one.</summary>
    /// <returns>The expired credential, or <see langword="null"/> (the default) when none can be made.</returns>
    protected virtual Task<SnsCredential?> CreateExpiredCredentialAsync() => Task.FromResult<SnsCredential?>(null);

    /// <summary>Returns a credential that was valid and has been revoked, where the test setup can make one.</summary>
    /// <returns>The revoked credential, or <see langword="null"/> (the default) when none can be made.</returns>
    protected virtual Task<SnsCredential?> CreateRevokedCredentialAsync() => Task.FromResult<SnsCredential?>(null);

    /// <summary>Whether <see cref="VoteAsync"/> is implemented. The default is <see langword="false"/>.</summary>
    protected virtual bool CanVote => false;

    /// <summary>Votes in a poll as a member, the way a person would on the network.</summary>
    /// <param name="member">The member's credential, from <see cref="CreateMemberCredentialAsync"/>.</param>
    /// <param name="pollId">The poll.</param>
    /// <param name="optionIndex">The zero-based option.</param>
    /// <returns>A task that completes when the vote is counted.</returns>
    /// <exception cref="NotSupportedException">The default; override together with <see cref="CanVote"/>.</exception>
    protected virtual Task VoteAsync(SnsCredential member, string pollId, int optionIndex)
        => throw new NotSupportedException("Override VoteAsync and CanVote to let the suite vote.");

    /// <summary>Whether <see cref="ReadInboxAsync"/> is implemented. The default is <see langword="false"/>.</summary>
    protected virtual bool CanReadInbox => false;

    /// <summary>Reads the direct messages a member received.</summary>
    /// <param name="subject">The member's stable account id.</param>
    /// <returns>The texts of the messages in the member's inbox.</returns>
    /// <exception cref="NotSupportedException">The default; override together with <see cref="CanReadInbox"/>.</exception>
    protected virtual Task<IReadOnlyList<string>> ReadInboxAsync(string subject)
        => throw new NotSupportedException("Override ReadInboxAsync and CanReadInbox to let the suite read inboxes.");

    /// <summary>Whether <see cref="ReplyAsMemberAsync"/> is implemented. The default is <see langword="false"/>.</summary>
    protected virtual bool CanReplyAsMember => false;

    /// <summary>Replies to a post as a member, the way a person would on the network (not through the connector).</summary>
    /// <param name="member">The member's credential, from <see cref="CreateMemberCredentialAsync"/>.</param>
    /// <param name="postId">The post to reply to.</param>
    /// <param name="text">The reply's text.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="NotSupportedException">The default; override together with <see cref="CanReplyAsMember"/>.</exception>
    protected virtual Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
        => throw new NotSupportedException("Override ReplyAsMemberAsync and CanReplyAsMember to let the suite reply as a member.");

    /// <summary>Creates the connector under test.</summary>
    /// <returns>A task.</returns>
    [SetUp]
    public async Task SetUpConnectorAsync() => connector = await CreateConnectorAsync().ConfigureAwait(false);

    /// <summary>Disposes the connector under test when it is disposable.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public async Task TearDownConnectorAsync()
    {
        var current = connector;
        connector = null;
        await ConformanceDisposal.DisposeAsync(current).ConfigureAwait(false);
    }

    /// <summary>Metadata and capabilities describe a usable network and agree with each other.</summary>
    [Test]
    public void MetadataAndCapabilities_AreCoherent()
    {
        var metadata = Connector.Metadata;
        var caps = Connector.Capabilities;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(metadata, Is.Not.Null);
            Assert.That(metadata.Name, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Name");
            Assert.That(metadata.Network, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Metadata.Network");
            Assert.That(caps, Is.Not.Null);
            Assert.That(caps.MaxPostLength, Is.GreaterThan(0), "MaxPostLength");
            if (caps.SupportsPolls)
            {
                Assert.That(caps.MaxPollOptions, Is.GreaterThanOrEqualTo(2), "MaxPollOptions");
                Assert.That(caps.MaxPollOptionLength, Is.GreaterThan(0), "MaxPollOptionLength");
                Assert.That(caps.MinPollDuration, Is.GreaterThanOrEqualTo(TimeSpan.Zero), "MinPollDuration");
                Assert.That(caps.MaxPollDuration, Is.GreaterThan(TimeSpan.Zero).And.GreaterThanOrEqualTo(caps.MinPollDuration), "MaxPollDuration");
            }
        }
    }

    /// <summary>A member's credential verifies to the same stable identity every time, read through this connector.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task VerifyCredentials_ReturnsStableIdentityAsync()
    {
        var credential = await CreateMemberCredentialAsync().ConfigureAwait(false);

        var first = await Connector.VerifyCredentialsAsync(credential).ConfigureAwait(false);
        var second = await Connector.VerifyCredentialsAsync(credential).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Subject, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Subject");
            Assert.That(second.Subject, Is.EqualTo(first.Subject), "the subject is stable");
            Assert.That(first.Network, Is.EqualTo(Connector.Metadata.Name), "Network is the connector's registered name");
            Assert.That(first.Handle, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Handle");
        }
    }

    /// <summary>Two members verify to two different subjects.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task VerifyCredentials_DistinguishesMembersAsync()
    {
        var one = await Connector.VerifyCredentialsAsync(await CreateMemberCredentialAsync().ConfigureAwait(false)).ConfigureAwait(false);
        var two = await Connector.VerifyCredentialsAsync(await CreateMemberCredentialAsync().ConfigureAwait(false)).ConfigureAwait(false);

        Assert.That(two.Subject, Is.Not.EqualTo(one.Subject));
    }

    /// <summary>Unknown (and, where the setup can make them, expired or revoked) credentials are refused without leaking the token.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task VerifyCredentials_RefusesBadCredentialsWithoutLeakingThemAsync()
    {
        var refused = new List<(string Kind, SnsCredential Credential)> { ("unknown", CreateUnknownCredential()) };
        if (await CreateExpiredCredentialAsync().ConfigureAwait(false) is { } expired)
        {
            refused.Add(("expired", expired));
        }

        if (await CreateRevokedCredentialAsync().ConfigureAwait(false) is { } revoked)
        {
            refused.Add(("revoked", revoked));
        }

        foreach (var (kind, credential) in refused)
        {
            var ex = Assert.CatchAsync<CredentialException>(() => Connector.VerifyCredentialsAsync(credential), $"{kind} credential");
            Assert.That(ex, Is.Not.Null);
            for (Exception? e = ex; e is not null; e = e.InnerException)
            {
                Assert.That(e.Message, Does.Not.Contain(credential.AccessToken), $"the {kind} token leaked into an exception message");
            }
        }
    }

    /// <summary>A brand post comes back with an id, the text, the brand as author and this connector's name.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Publish_AsBrand_ReturnsThePostAsync()
    {
        var brand = await GetBrandSubjectAsync().ConfigureAwait(false);
        var text = $"Conformance post {UniqueToken()}";

        var post = await Connector.PublishAsync(new PostRequest { Text = text }).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
            Assert.That(post.Text, Does.Contain(text), "Text");
            Assert.That(post.AuthorSubject, Is.EqualTo(brand), "AuthorSubject");
            Assert.That(post.AuthorHandle, Is.Not.Null.And.Not.Empty, "AuthorHandle");
            Assert.That(post.Network, Is.EqualTo(Connector.Metadata.Name), "Network");
            Assert.That(post.CreatedAt, Is.Not.EqualTo(default(DateTimeOffset)), "CreatedAt");
            Assert.That(post.InReplyToId, Is.Null, "InReplyToId");
        }
    }

    /// <summary>Two posts get two ids.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Publish_TwiceWithoutKey_CreatesTwoPostsAsync()
    {
        var first = await Connector.PublishAsync(new PostRequest { Text = $"First {UniqueToken()}" }).ConfigureAwait(false);
        var second = await Connector.PublishAsync(new PostRequest { Text = $"Second {UniqueToken()}" }).ConfigureAwait(false);

        Assert.That(second.Id, Is.Not.EqualTo(first.Id));
    }

    /// <summary>A post longer than <see cref="SnsCapabilities.MaxPostLength"/> is refused, naming the field, and nothing is published.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Publish_TooLong_IsRefusedAndNothingIsPublishedAsync()
    {
        var token = UniqueToken();
        var text = token + " " + new string('x', Connector.Capabilities.MaxPostLength);

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Connector.PublishAsync(new PostRequest { Text = text }));

        Assert.That(ex!.Field, Is.EqualTo("PostRequest.Text"));
        if (Connector.Capabilities.SupportsSearch)
        {
            Assert.That(await SearchIdsAsync(token).ConfigureAwait(false), Is.Empty, "a refused post must not be published");
        }
    }

    /// <summary>An empty post is refused, naming the field.</summary>
    [Test]
    public void Publish_Blank_IsRefused()
    {
        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Connector.PublishAsync(new PostRequest { Text = "  " }));

        Assert.That(ex!.Field, Is.EqualTo("PostRequest.Text"));
    }

    /// <summary>
    /// The same idempotency key returns the first post where the network honours keys; elsewhere a key is
    /// accepted and ignored rather than failing the post.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Publish_WithIdempotencyKey_HonoursCapabilityAsync()
    {
        var request = new PostRequest { Text = $"Idempotent {UniqueToken()}", IdempotencyKey = UniqueToken() };

        var first = await Connector.PublishAsync(request).ConfigureAwait(false);
        var second = await Connector.PublishAsync(request).ConfigureAwait(false);

        Assert.That(first.Id, Is.Not.Null.And.Not.Empty);
        if (Connector.Capabilities.SupportsIdempotencyKeys)
        {
            Assert.That(second.Id, Is.EqualTo(first.Id), "a repeated key must return the first post");
        }
        else
        {
            Assert.That(second.Id, Is.Not.Null.And.Not.Empty, "a key must not make the post fail where keys are not supported");
        }
    }

    /// <summary>Where member posting is supported a post can carry a member as author; elsewhere it is refused as unsupported.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Publish_AsMember_HonoursCapabilityAsync()
    {
        var member = await CreateMemberCredentialAsync().ConfigureAwait(false);
        var request = new PostRequest { Text = $"Member post {UniqueToken()}", Author = member };

        if (Connector.Capabilities.SupportsMemberPosting)
        {
            var identity = await Connector.VerifyCredentialsAsync(member).ConfigureAwait(false);
            var post = await Connector.PublishAsync(request).ConfigureAwait(false);
            Assert.That(post.AuthorSubject, Is.EqualTo(identity.Subject));
        }
        else
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.PublishAsync(request));
        }
    }

    /// <summary>
    /// Replies (including replies to replies, and a member's reply where the setup can make one) are read back
    /// under the root post, oldest first; without reply support, reading replies is refused as unsupported.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Replies_AppearUnderTheRootPostAsync()
    {
        var root = await Connector.PublishAsync(new PostRequest { Text = $"Root {UniqueToken()}" }).ConfigureAwait(false);
        if (!Connector.Capabilities.SupportsReplies)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => DrainAsync(Connector.GetRepliesAsync(root.Id)));
            return;
        }

        var reply = await Connector.PublishAsync(new PostRequest { Text = $"Reply {UniqueToken()}", InReplyToId = root.Id }).ConfigureAwait(false);
        var nested = await Connector.PublishAsync(new PostRequest { Text = $"Nested {UniqueToken()}", InReplyToId = reply.Id }).ConfigureAwait(false);
        var expected = new List<string> { reply.Id, nested.Id };
        SnsPost? memberReply = null;
        if (CanReplyAsMember)
        {
            memberReply = await ReplyAsMemberAsync(await CreateMemberCredentialAsync().ConfigureAwait(false), root.Id, $"Member reply {UniqueToken()}").ConfigureAwait(false);
            expected.Add(memberReply.Id);
        }

        var replies = await ToListAsync(Connector.GetRepliesAsync(root.Id)).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.InReplyToId, Is.EqualTo(root.Id), "the reply's InReplyToId");
            Assert.That(nested.InReplyToId, Is.EqualTo(reply.Id), "the nested reply's InReplyToId");
            Assert.That(replies.Select(p => p.Id), Is.EquivalentTo(expected), "the whole thread below the root, once each");
            Assert.That(replies.Select(p => p.CreatedAt), Is.Ordered.Ascending, "replies are oldest first");
            Assert.That(replies.Select(p => p.Network), Is.All.EqualTo(Connector.Metadata.Name), "Network");
            if (memberReply is not null)
            {
                Assert.That(replies.Single(p => p.Id == memberReply.Id).InReplyToId, Is.EqualTo(root.Id), "the member reply's InReplyToId");
            }
        }
    }

    /// <summary>Replies page with consistent continuation tokens that resume without duplicates.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Replies_PageAndResumeAsync()
    {
        var root = await Connector.PublishAsync(new PostRequest { Text = $"Paged root {UniqueToken()}" }).ConfigureAwait(false);
        if (!Connector.Capabilities.SupportsReplies)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => DrainAsync(Connector.GetRepliesAsync(root.Id)));
            return;
        }

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Connector.PublishAsync(new PostRequest { Text = $"Paged reply {i} {UniqueToken()}", InReplyToId = root.Id }).ConfigureAwait(false)).Id);
        }

        await AssertPagesResumeAsync(() => Connector.GetRepliesAsync(root.Id), ids).ConfigureAwait(false);
    }

    /// <summary>
    /// A poll within the network's limits starts open with every option at zero votes, and a member's vote
    /// is counted where the setup can vote; without polls, creating one is refused as unsupported.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreatePoll_WithinLimits_StartsOpenAndCountsVotesAsync()
    {
        var caps = Connector.Capabilities;
        var request = ValidPoll(Math.Min(3, Math.Max(2, caps.MaxPollOptions)));
        if (!caps.SupportsPolls)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.CreatePollAsync(request));
            return;
        }

        var poll = await Connector.CreatePollAsync(request).ConfigureAwait(false);
        var results = await Connector.GetPollResultsAsync(poll.Id).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(poll.Id, Is.Not.Null.And.Not.Empty, "Id");
            Assert.That(poll.Options, Is.EqualTo(request.Options), "the poll's options, in order");
            Assert.That(poll.Post.Id, Is.Not.Null.And.Not.Empty, "Post.Id");
            Assert.That(poll.Post.Text, Does.Contain(request.Question), "the post carries the question");
            Assert.That(poll.Post.PollId, Is.EqualTo(poll.Id), "Post.PollId");
            Assert.That(poll.ExpiresAt, Is.GreaterThan(poll.Post.CreatedAt), "ExpiresAt");
            Assert.That(results.PollId, Is.EqualTo(poll.Id), "results' PollId");
            Assert.That(results.Options.Select(o => o.Title), Is.EqualTo(request.Options), "results' options, in order");
            Assert.That(results.Options.Select(o => o.Votes), Is.All.EqualTo(0), "a new poll has no votes");
            Assert.That(results.IsClosed, Is.False, "a new poll is open");
        }

        if (CanVote)
        {
            await VoteAsync(await CreateMemberCredentialAsync().ConfigureAwait(false), poll.Id, 1).ConfigureAwait(false);
            var voted = await Connector.GetPollResultsAsync(poll.Id).ConfigureAwait(false);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(voted.Options[1].Votes, Is.EqualTo(1), "the voted option");
                Assert.That(voted.Options.Where((_, i) => i != 1).Select(o => o.Votes), Is.All.EqualTo(0), "the other options");
                if (voted.VotersCount is { } voters)
                {
                    Assert.That(voters, Is.EqualTo(1), "VotersCount");
                }
            }
        }
    }

    /// <summary>A poll with the most options the network allows is accepted.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreatePoll_AtTheOptionLimit_IsAcceptedAsync()
    {
        var caps = Connector.Capabilities;
        var request = ValidPoll(Math.Max(2, caps.MaxPollOptions));
        if (!caps.SupportsPolls)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.CreatePollAsync(request));
            return;
        }

        var poll = await Connector.CreatePollAsync(request).ConfigureAwait(false);

        Assert.That(poll.Options, Has.Count.EqualTo(caps.MaxPollOptions));
    }

    /// <summary>Results of a poll that does not exist are not found (or refused as unsupported without polls).</summary>
    [Test]
    public void GetPollResults_UnknownPoll_IsNotFoundOrUnsupported()
    {
        var unknown = "no-such-poll-" + UniqueToken();
        if (Connector.Capabilities.SupportsPolls)
        {
            Assert.CatchAsync<ResourceNotFoundException>(() => Connector.GetPollResultsAsync(unknown));
        }
        else
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.GetPollResultsAsync(unknown));
        }
    }

    /// <summary>A one-option poll is refused, naming <c>PollRequest.Options</c>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public Task CreatePoll_OneOption_IsRefusedAsync()
    {
        var poll = ValidPoll(2);
        return AssertPollRefusedAsync(poll with { Options = [poll.Options[0]] }, "PollRequest.Options");
    }

    /// <summary>A poll with more options than <see cref="SnsCapabilities.MaxPollOptions"/> is refused, naming <c>PollRequest.Options</c>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public Task CreatePoll_TooManyOptions_IsRefusedAsync()
        => AssertPollRefusedAsync(ValidPoll(Math.Max(2, Connector.Capabilities.MaxPollOptions) + 1), "PollRequest.Options");

    /// <summary>An option longer than <see cref="SnsCapabilities.MaxPollOptionLength"/> is refused, naming that option.</summary>
    /// <returns>A task.</returns>
    [Test]
    public Task CreatePoll_OptionTooLong_IsRefusedAsync()
    {
        var poll = ValidPoll(2);
        var tooLong = new string('o', Math.Max(1, Connector.Capabilities.MaxPollOptionLength) + 1);
        return AssertPollRefusedAsync(poll with { Options = [tooLong, poll.Options[1]] }, "PollRequest.Options[0]");
    }

    /// <summary>A poll shorter than <see cref="SnsCapabilities.MinPollDuration"/> is refused, naming <c>PollRequest.Duration</c>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public Task CreatePoll_DurationTooShort_IsRefusedAsync()
        => AssertPollRefusedAsync(ValidPoll(2) with { Duration = Connector.Capabilities.MinPollDuration - TimeSpan.FromSeconds(1) }, "PollRequest.Duration");

    /// <summary>A poll longer than <see cref="SnsCapabilities.MaxPollDuration"/> is refused, naming <c>PollRequest.Duration</c>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public Task CreatePoll_DurationTooLong_IsRefusedAsync()
        => AssertPollRefusedAsync(ValidPoll(2) with { Duration = Connector.Capabilities.MaxPollDuration + TimeSpan.FromDays(1) }, "PollRequest.Duration");

    /// <summary>
    /// A direct message to a member comes back with an id and reaches the member's inbox where the setup can
    /// read it; without direct messages, sending is refused as unsupported.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task SendDirectMessage_ReachesTheMemberAsync()
    {
        var member = await Connector.VerifyCredentialsAsync(await CreateMemberCredentialAsync().ConfigureAwait(false)).ConfigureAwait(false);
        var request = new DirectMessageRequest { RecipientSubject = member.Subject, RecipientHandle = member.Handle, Text = $"Hello {UniqueToken()}" };
        if (!Connector.Capabilities.SupportsDirectMessages)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.SendDirectMessageAsync(request));
            return;
        }

        var message = await Connector.SendDirectMessageAsync(request).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(message.Id, Is.Not.Null.And.Not.Empty.And.Not.WhiteSpace, "Id");
            Assert.That(message.RecipientSubject, Is.EqualTo(member.Subject), "RecipientSubject");
            Assert.That(message.Text, Does.Contain(request.Text), "Text");
            Assert.That(message.Network, Is.EqualTo(Connector.Metadata.Name), "Network");
        }

        if (CanReadInbox)
        {
            var inbox = await ReadInboxAsync(member.Subject).ConfigureAwait(false);
            Assert.That(inbox, Has.Some.Contains(request.Text), "the member's inbox");
        }
    }

    /// <summary>A direct message longer than a post may be is refused, naming the field.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task SendDirectMessage_TooLong_IsRefusedOrUnsupportedAsync()
    {
        var member = await Connector.VerifyCredentialsAsync(await CreateMemberCredentialAsync().ConfigureAwait(false)).ConfigureAwait(false);
        var request = new DirectMessageRequest { RecipientSubject = member.Subject, Text = new string('x', Connector.Capabilities.MaxPostLength + 1) };
        if (!Connector.Capabilities.SupportsDirectMessages)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.SendDirectMessageAsync(request));
            return;
        }

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Connector.SendDirectMessageAsync(request));
        Assert.That(ex!.Field, Is.EqualTo("DirectMessageRequest.Text"));
        if (CanReadInbox)
        {
            Assert.That(await ReadInboxAsync(member.Subject).ConfigureAwait(false), Is.Empty, "a refused message must not be sent");
        }
    }

    /// <summary>A published post is found by a unique word in it, newest first; without search, searching is refused as unsupported.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Search_FindsAPublishedPostAsync()
    {
        var token = UniqueToken();
        if (!Connector.Capabilities.SupportsSearch)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => DrainAsync(Connector.SearchAsync(new SearchQuery { Text = token })));
            return;
        }

        var older = await Connector.PublishAsync(new PostRequest { Text = $"Findable {token}" }).ConfigureAwait(false);
        var newer = await Connector.PublishAsync(new PostRequest { Text = $"Also findable {token}" }).ConfigureAwait(false);
        await Connector.PublishAsync(new PostRequest { Text = $"Not this one {UniqueToken()}" }).ConfigureAwait(false);

        var found = await ToListAsync(Connector.SearchAsync(new SearchQuery { Text = token })).ConfigureAwait(false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found.Select(p => p.Id), Is.EquivalentTo(new[] { older.Id, newer.Id }), "exactly the posts with the word");
            Assert.That(found.Select(p => p.CreatedAt), Is.Ordered.Descending, "newest first");
            Assert.That(found.Select(p => p.Network), Is.All.EqualTo(Connector.Metadata.Name), "Network");
        }
    }

    /// <summary>Search results page with consistent continuation tokens that resume without duplicates.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Search_PagesAndResumesAsync()
    {
        var token = UniqueToken();
        if (!Connector.Capabilities.SupportsSearch)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => DrainAsync(Connector.SearchAsync(new SearchQuery { Text = token })));
            return;
        }

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Connector.PublishAsync(new PostRequest { Text = $"Paged {i} {token}" }).ConfigureAwait(false)).Id);
        }

        await AssertPagesResumeAsync(() => Connector.SearchAsync(new SearchQuery { Text = token }), ids).ConfigureAwait(false);
    }

    /// <summary>A blank search is refused, naming the field (or refused as unsupported without search).</summary>
    [Test]
    public void Search_Blank_IsRefused()
    {
        if (Connector.Capabilities.SupportsSearch)
        {
            var ex = Assert.CatchAsync<CoCreationValidationException>(() => DrainAsync(Connector.SearchAsync(new SearchQuery { Text = " " })));
            Assert.That(ex!.Field, Is.EqualTo("SearchQuery.Text"));
        }
        else
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => DrainAsync(Connector.SearchAsync(new SearchQuery { Text = " " })));
        }
    }

    /// <summary>Returns a word no other post contains, for finding a test's own posts.</summary>
    /// <returns>A lower-case alphanumeric word.</returns>
    protected static string UniqueToken() => "cc" + Guid.NewGuid().ToString("N")[..20];

    private PollRequest ValidPoll(int optionCount)
    {
        var caps = Connector.Capabilities;
        var options = new List<string>(optionCount);
        for (var i = 1; i <= optionCount; i++)
        {
            var title = $"Option {i}";
            options.Add(title.Length <= caps.MaxPollOptionLength ? title : i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var duration = TimeSpan.FromDays(1);
        if (caps.SupportsPolls)
        {
            duration = duration < caps.MinPollDuration ? caps.MinPollDuration : duration > caps.MaxPollDuration ? caps.MaxPollDuration : duration;
        }

        return new PollRequest { Question = $"Which one? {UniqueToken()}", Options = options, Duration = duration };
    }

    private async Task AssertPollRefusedAsync(PollRequest request, string field)
    {
        if (!Connector.Capabilities.SupportsPolls)
        {
            Assert.CatchAsync<CapabilityNotSupportedException>(() => Connector.CreatePollAsync(request));
            return;
        }

        var ex = Assert.CatchAsync<CoCreationValidationException>(() => Connector.CreatePollAsync(request));
        Assert.That(ex!.Field, Is.EqualTo(field));
        if (Connector.Capabilities.SupportsSearch)
        {
            var questionToken = request.Question.Split(' ')[^1];
            Assert.That(await SearchIdsAsync(questionToken).ConfigureAwait(false), Is.Empty, "a refused poll must not be published");
        }
    }

    private async Task<List<string>> SearchIdsAsync(string token)
        => (await ToListAsync(Connector.SearchAsync(new SearchQuery { Text = token })).ConfigureAwait(false)).Select(p => p.Id).ToList();

    private static async Task AssertPagesResumeAsync(Func<AsyncPageable<SnsPost>> query, IReadOnlyCollection<string> expectedIds)
    {
        var pages = await ConformancePaging.ReadPagesAsync(query(), null, 1).ConfigureAwait(false);
        var ids = pages.SelectMany(p => p.Values).Select(p => p.Id).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ids, Is.Unique, "no item appears on two pages");
            Assert.That(ids, Is.EquivalentTo(expectedIds), "the pages hold exactly the expected items");
            Assert.That(pages, Has.Count.GreaterThan(1), "with a page size hint of 1 and 3 items the results must come in more than one page");
            Assert.That(pages[^1].ContinuationToken, Is.Null, "the last page has no continuation token");
            Assert.That(pages.Take(pages.Count - 1).Select(p => p.ContinuationToken), Has.None.Null, "every page but the last has a continuation token");
        }

        var seen = 0;
        for (var i = 0; i < pages.Count - 1; i++)
        {
            seen += pages[i].Values.Count;
            var resumed = await ConformancePaging.ReadPagesAsync(query(), pages[i].ContinuationToken, 1).ConfigureAwait(false);
            Assert.That(resumed.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(ids.Skip(seen)), $"resuming from the token of page {i + 1} yields exactly the rest, in order");
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source.ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task DrainAsync<T>(IAsyncEnumerable<T> source)
    {
        await foreach (var _ in source.ConfigureAwait(false))
        {
        }
    }
}
