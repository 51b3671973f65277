using System.Net;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests;

[TestFixture]
[Category("Unit")]
public sealed class EmbeddedSnsTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider clock = null!;

    [SetUp]
    public void SetUp() => clock = new FakeTimeProvider(Start);

    private (EmbeddedSnsNetwork Network, EmbeddedSnsAccount Brand, EmbeddedSnsConnector Connector) Create(EmbeddedSnsOptions? options = null)
    {
        var network = new EmbeddedSnsNetwork(options, clock);
        var brand = network.RegisterAccount("brand", "The Brand");
        return (network, brand, network.CreateConnector("social", brand.Credential));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task<List<Page<T>>> PagesAsync<T>(AsyncPageable<T> pageable, string? token, int? hint)
    {
        var pages = new List<Page<T>>();
        await foreach (var page in pageable.AsPages(token, hint))
        {
            pages.Add(page);
        }

        return pages;
    }

    [Test]
    public async Task VerifyCredentials_ReturnsTheAccountReadThroughTheConnectorAsync()
    {
        var (network, _, connector) = Create();
        var minji = network.RegisterAccount("@Minji", "Minji Kim", "ko-KR");

        var identity = await connector.VerifyCredentialsAsync(minji.Credential);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(identity.Network, Is.EqualTo("social"));
            Assert.That(identity.Subject, Is.EqualTo(minji.Subject));
            Assert.That(identity.Handle, Is.EqualTo("Minji"));
            Assert.That(identity.DisplayName, Is.EqualTo("Minji Kim"));
            Assert.That(identity.Locale, Is.EqualTo("ko-KR"));
            Assert.That(identity.AccountCreatedAt, Is.EqualTo(Start));
            Assert.That(connector.Metadata.Network, Is.EqualTo("embedded"));
            Assert.That(connector.Metadata.Instance, Is.EqualTo("embedded.local"));
        }
    }

    [Test]
    public void VerifyCredentials_ExpiredCredential_IsRefusedWithoutTheToken()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var shortLived = network.IssueCredential(member.Subject, TimeSpan.FromMinutes(10));

        Assert.DoesNotThrowAsync(() => connector.VerifyCredentialsAsync(shortLived));
        clock.Advance(TimeSpan.FromMinutes(10));
        var ex = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(shortLived));

        Assert.That(ex!.Message, Does.Not.Contain(shortLived.AccessToken));
        Assert.DoesNotThrowAsync(() => connector.VerifyCredentialsAsync(member.Credential), "the account's other credential is still valid");
    }

    [Test]
    public void VerifyCredentials_DefaultLifetimeComesFromOptions()
    {
        var (network, _, connector) = Create(new EmbeddedSnsOptions { CredentialLifetime = TimeSpan.FromDays(2) });
        var member = network.RegisterAccount("member");

        clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.DoesNotThrowAsync(() => connector.VerifyCredentialsAsync(member.Credential));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(member.Credential));
    }

    [Test]
    public void VerifyCredentials_RevokedOrUnknownCredential_IsRefusedWithoutTheToken()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        network.RevokeCredential(member.Credential);
        network.RevokeCredential(member.Credential);
        var unknown = new SnsCredential("never-issued-token");

        var revoked = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(member.Credential));
        var notKnown = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(unknown));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(revoked!.Message, Does.Not.Contain(member.Credential.AccessToken));
            Assert.That(notKnown!.Message, Does.Not.Contain(unknown.AccessToken));
            Assert.That(revoked.Provider, Is.EqualTo("social"));
        }
    }

    [Test]
    public void Publish_WithRevokedBrandCredential_IsRefusedAndNothingIsStored()
    {
        var (network, brand, connector) = Create();
        network.RevokeCredential(brand.Credential);

        Assert.ThrowsAsync<CredentialException>(() => connector.PublishAsync(new PostRequest { Text = "hello" }));

        Assert.That(network.GetPostsBy(brand.Subject), Is.Empty);
    }

    [Test]
    public async Task A_brand_credential_used_before_is_refused_once_revoked_and_a_new_token_object_works()
    {
        // The network remembers each credential object's lookup key; revocation must still be seen on the next call.
        var (network, brand, connector) = Create();
        var member = network.RegisterAccount("member");
        var first = await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "one", IdempotencyKey = "k-1" });
        Assert.That(network.GetInbox(member.Subject).Select(m => m.Id), Does.Contain(first.Id));

        network.RevokeCredential(brand.Credential);
        Assert.ThrowsAsync<CredentialException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "two", IdempotencyKey = "k-2" }));
        Assert.That(network.GetInbox(member.Subject), Has.Count.EqualTo(1));

        // A different object holding the same revoked token is refused too.
        var copy = network.CreateConnector("social", new SnsCredential(brand.Credential.AccessToken));
        Assert.ThrowsAsync<CredentialException>(() => copy.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "three", IdempotencyKey = "k-3" }));
        Assert.That(network.GetInbox(member.Subject), Has.Count.EqualTo(1));
    }

    [Test]
    public void New_ids_are_the_prefix_and_32_hex_digits_and_never_repeat()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                ids.Add(EmbeddedSnsText.NewId("msg"));
            }
        });

        Assert.That(ids, Has.Count.EqualTo(8_000));
        Assert.That(ids.Distinct(StringComparer.Ordinal).Count(), Is.EqualTo(8_000));
        Assert.That(ids, Has.All.Match("^msg_[0-9a-f]{32}$"));
    }

    [Test]
    public void Publish_WithExpiredMemberAuthor_IsRefused()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var credential = network.IssueCredential(member.Subject, TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.ThrowsAsync<CredentialException>(() => connector.PublishAsync(new PostRequest { Text = "hi", Author = credential }));
        Assert.That(network.GetPostsBy(member.Subject), Is.Empty);
    }

    [Test]
    public async Task Publish_AsMember_PostsAsThatMemberAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");

        var post = await connector.PublishAsync(new PostRequest { Text = "my design", Author = member.Credential });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.AuthorSubject, Is.EqualTo(member.Subject));
            Assert.That(post.AuthorHandle, Is.EqualTo("member"));
            Assert.That(post.Network, Is.EqualTo("social"));
            Assert.That(network.GetPostsBy(member.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
        }
    }

    [Test]
    public async Task Publish_SameIdempotencyKey_ReturnsTheFirstPostAndStoresNothingNewAsync()
    {
        var (network, brand, connector) = Create(new EmbeddedSnsOptions { IdempotencyKeyLifetime = TimeSpan.FromHours(1) });
        var request = new PostRequest { Text = "launch!", IdempotencyKey = "launch-1" };

        var first = await connector.PublishAsync(request);
        clock.Advance(TimeSpan.FromMinutes(30));
        var retry = await connector.PublishAsync(request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(retry.Id, Is.EqualTo(first.Id));
            Assert.That(retry.CreatedAt, Is.EqualTo(first.CreatedAt));
            Assert.That(network.WriteCallCount, Is.EqualTo(2), "both calls reached the network");
            Assert.That(network.GetPostsBy(brand.Subject), Has.Count.EqualTo(1), "only one post exists");
        }

        clock.Advance(TimeSpan.FromMinutes(30));
        var afterLifetime = await connector.PublishAsync(request);

        Assert.That(afterLifetime.Id, Is.Not.EqualTo(first.Id), "the key expired, so the post is new");
        Assert.That(network.GetPostsBy(brand.Subject), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Publish_SameKeyFromAnotherAuthor_IsANewPostAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");

        var brandPost = await connector.PublishAsync(new PostRequest { Text = "one", IdempotencyKey = "k" });
        var memberPost = await connector.PublishAsync(new PostRequest { Text = "two", IdempotencyKey = "k", Author = member.Credential });

        Assert.That(memberPost.Id, Is.Not.EqualTo(brandPost.Id));
    }

    [Test]
    public async Task IdempotencyKey_ReturnsFirstPollAndFirstMessageAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var poll = new PollRequest { Question = "Colour?", Options = ["Sand", "Navy"], Duration = TimeSpan.FromDays(1), IdempotencyKey = "poll-1" };
        var dm = new DirectMessageRequest { RecipientSubject = member.Subject, Text = "Welcome", IdempotencyKey = "dm-1" };

        var firstPoll = await connector.CreatePollAsync(poll);
        var secondPoll = await connector.CreatePollAsync(poll);
        var firstDm = await connector.SendDirectMessageAsync(dm);
        var secondDm = await connector.SendDirectMessageAsync(dm);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(secondPoll.Id, Is.EqualTo(firstPoll.Id));
            Assert.That(secondPoll.Post.Id, Is.EqualTo(firstPoll.Post.Id));
            Assert.That(secondDm.Id, Is.EqualTo(firstDm.Id));
            Assert.That(network.GetInbox(member.Subject), Has.Count.EqualTo(1));
            Assert.That(network.WriteCallCount, Is.EqualTo(4));
        }
    }

    [Test]
    public async Task RateLimit_RefusesBeyondTheLimitWithRetryAfterThenRecoversAsync()
    {
        var (network, brand, connector) = Create(new EmbeddedSnsOptions { RateLimitPerWindow = 2, RateLimitWindow = TimeSpan.FromMinutes(1) });
        var member = network.RegisterAccount("member");

        await connector.PublishAsync(new PostRequest { Text = "one" });
        clock.Advance(TimeSpan.FromSeconds(20));
        await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "two" });
        var ex = Assert.ThrowsAsync<RateLimitedException>(() => connector.PublishAsync(new PostRequest { Text = "three" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(40)));
            Assert.That(ex.RateLimit, Is.EqualTo(new RateLimitInfo(2, 0, Start.AddMinutes(1))));
            Assert.That(network.GetPostsBy(brand.Subject), Has.Count.EqualTo(1), "the refused post was not stored");
        }

        clock.Advance(TimeSpan.FromSeconds(39));
        Assert.ThrowsAsync<RateLimitedException>(() => connector.PublishAsync(new PostRequest { Text = "still too early" }));

        clock.Advance(TimeSpan.FromSeconds(1));
        var post = await connector.PublishAsync(new PostRequest { Text = "three" });

        Assert.That(network.GetPostsBy(brand.Subject).Select(p => p.Id), Has.Member(post.Id));
    }

    [Test]
    public async Task RateLimit_CountsPerBrandCredentialAndNotMemberPostsAsync()
    {
        var (network, _, connector) = Create(new EmbeddedSnsOptions { RateLimitPerWindow = 1 });
        var other = network.RegisterAccount("otherbrand");
        var otherConnector = network.CreateConnector("other", other.Credential);
        var member = network.RegisterAccount("member");

        await connector.PublishAsync(new PostRequest { Text = "one" });
        network.Post(member.Credential, "members are not rate limited here");
        network.Post(member.Credential, "not even twice");

        Assert.DoesNotThrowAsync(() => otherConnector.PublishAsync(new PostRequest { Text = "other brand" }));
        Assert.ThrowsAsync<RateLimitedException>(() => connector.PublishAsync(new PostRequest { Text = "two" }));
    }

    [Test]
    public async Task FailNext_FailsTheNextWriteCallsAndStoresNothingAsync()
    {
        var (network, brand, connector) = Create();
        network.FailNext(2);

        var first = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "a", IdempotencyKey = "same" }));
        var second = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "a", IdempotencyKey = "same" }));
        var third = await connector.PublishAsync(new PostRequest { Text = "a", IdempotencyKey = "same" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first!.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(first.IsTransient, Is.True);
            Assert.That(second!.IsTransient, Is.True);
            Assert.That(network.GetPostsBy(brand.Subject).Select(p => p.Id), Is.EqualTo(new[] { third.Id }), "the failed calls stored nothing");
            Assert.That(network.WriteCallCount, Is.EqualTo(3));
        }
    }

    [Test]
    public void FailNext_Permanent_Is400AndNotTransient()
    {
        var (network, brand, connector) = Create();
        var member = network.RegisterAccount("member");
        network.FailNext(1, transient: false);

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "hi" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(network.GetInbox(member.Subject), Is.Empty);
        }

        Assert.DoesNotThrowAsync(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "hi" }));
        Assert.That(network.GetInbox(member.Subject), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Poll_CountsVotesAndClosesOnTheClockAsync()
    {
        var (network, _, connector) = Create();
        var a = network.RegisterAccount("a");
        var b = network.RegisterAccount("b");
        var c = network.RegisterAccount("c");
        var poll = await connector.CreatePollAsync(new PollRequest { Question = "Which fabric?", Options = ["Linen", "Cotton", "Wool"], Duration = TimeSpan.FromHours(1) });

        network.Vote(a.Credential, poll.Id, 1);
        network.Vote(b.Credential, poll.Id, 1);
        network.Vote(c.Credential, poll.Id, 2);
        var open = await connector.GetPollResultsAsync(poll.Id);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(poll.ExpiresAt, Is.EqualTo(Start.AddHours(1)));
            Assert.That(poll.Post.PollId, Is.EqualTo(poll.Id));
            Assert.That(poll.Post.Text, Is.EqualTo("Which fabric?"));
            Assert.That(open.Options.Select(o => o.Votes), Is.EqualTo(new[] { 0, 2, 1 }));
            Assert.That(open.Options.Select(o => o.Title), Is.EqualTo(new[] { "Linen", "Cotton", "Wool" }));
            Assert.That(open.VotersCount, Is.EqualTo(3));
            Assert.That(open.IsClosed, Is.False);
        }

        Assert.Throws<CoCreationConflictException>(() => network.Vote(a.Credential, poll.Id, 0), "one vote per account");

        clock.Advance(TimeSpan.FromHours(1));
        var d = network.RegisterAccount("d");
        var closed = await connector.GetPollResultsAsync(poll.Id);

        Assert.That(closed.IsClosed, Is.True);
        Assert.Throws<CoCreationConflictException>(() => network.Vote(d.Credential, poll.Id, 0), "a closed poll takes no votes");
        Assert.That((await connector.GetPollResultsAsync(poll.Id)).Options.Select(o => o.Votes), Is.EqualTo(new[] { 0, 2, 1 }));
    }

    [Test]
    public async Task Vote_BadChoices_AreRefusedAndNotCountedAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var single = await connector.CreatePollAsync(new PollRequest { Question = "One?", Options = ["x", "y"], Duration = TimeSpan.FromHours(1) });
        var multiple = await connector.CreatePollAsync(new PollRequest { Question = "Many?", Options = ["x", "y", "z"], Duration = TimeSpan.FromHours(1), AllowMultiple = true });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.Throws<CoCreationValidationException>(() => network.Vote(member.Credential, single.Id, 2))!.Field, Is.EqualTo("optionIndexes[0]"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => network.Vote(member.Credential, single.Id, 0, 1))!.Field, Is.EqualTo("optionIndexes"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => network.Vote(member.Credential, single.Id))!.Field, Is.EqualTo("optionIndexes"));
            Assert.Throws<ResourceNotFoundException>(() => network.Vote(member.Credential, "no-such-poll", 0));
        }

        network.Vote(member.Credential, single.Id, 0);
        network.Vote(member.Credential, multiple.Id, 0, 2);

        Assert.That((await connector.GetPollResultsAsync(single.Id)).Options.Select(o => o.Votes), Is.EqualTo(new[] { 1, 0 }));
        Assert.That((await connector.GetPollResultsAsync(multiple.Id)).Options.Select(o => o.Votes), Is.EqualTo(new[] { 1, 0, 1 }));
    }

    [Test]
    public void GetPollResults_UnknownPoll_IsNotFound()
    {
        var (_, _, connector) = Create();

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.GetPollResultsAsync("no-such-poll"));

        Assert.That(ex!.ResourceKind, Is.EqualTo("poll"));
    }

    [Test]
    public void Poll_Validation_RefusesBeforeTheNetworkIsCalled()
    {
        var (network, brand, connector) = Create(new EmbeddedSnsOptions { MaxPollOptions = 3 });

        var oneOption = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.CreatePollAsync(new PollRequest { Question = "Q", Options = ["only"], Duration = TimeSpan.FromHours(1) }));
        var tooMany = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.CreatePollAsync(new PollRequest { Question = "Q", Options = ["a", "b", "c", "d"], Duration = TimeSpan.FromHours(1) }));
        var tooShort = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.CreatePollAsync(new PollRequest { Question = "Q", Options = ["a", "b"], Duration = TimeSpan.FromMinutes(1) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(oneOption!.Field, Is.EqualTo("PollRequest.Options"));
            Assert.That(tooMany!.Field, Is.EqualTo("PollRequest.Options"));
            Assert.That(tooShort!.Field, Is.EqualTo("PollRequest.Duration"));
            Assert.That(network.WriteCallCount, Is.Zero);
            Assert.That(network.GetPostsBy(brand.Subject), Is.Empty);
        }
    }

    [Test]
    public void Capabilities_ReflectOptions()
    {
        var (_, _, connector) = Create(new EmbeddedSnsOptions { MaxPostLength = 300, EnablePolls = false, EnableDirectMessages = false });
        var caps = connector.Capabilities;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(caps.MaxPostLength, Is.EqualTo(300));
            Assert.That(caps.SupportsPolls, Is.False);
            Assert.That(caps.SupportsDirectMessages, Is.False);
            Assert.That(caps.SupportsIdempotencyKeys, Is.True);
            Assert.That(caps.SupportsMemberPosting, Is.True);
            Assert.That(caps.SupportsSearch, Is.True);
            Assert.That(caps.SupportsReplies, Is.True);
        }

        Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.CreatePollAsync(new PollRequest { Question = "Q", Options = ["a", "b"], Duration = TimeSpan.FromHours(1) }));
        Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = "x", Text = "hi" }));
    }

    [Test]
    public async Task Capabilities_FollowOptionsChangedAfterTheyWereReadAsync()
    {
        var options = new EmbeddedSnsOptions { MaxPostLength = 300 };
        var (network, _, connector) = Create(options);
        var member = network.RegisterAccount("member");
        var first = connector.Capabilities;
        Assert.That(connector.Capabilities, Is.SameAs(first), "unchanged options hand out the capabilities built before");

        options.MaxPostLength = 20;
        options.EnableDirectMessages = false;
        options.EnablePolls = false;
        var second = connector.Capabilities;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(second.MaxPostLength, Is.EqualTo(20));
            Assert.That(second.SupportsDirectMessages, Is.False);
            Assert.That(second.SupportsPolls, Is.False);
            Assert.That(second.MaxPollOptions, Is.Zero);
            Assert.That(first.MaxPostLength, Is.EqualTo(300), "capabilities read before stay as they were");
        }

        Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "hi" }));
        var tooLong = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = new string('x', 21) }));
        Assert.That(tooLong!.Field, Is.EqualTo("PostRequest.Text"));

        options.EnableDirectMessages = true;
        await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "hi" });
        Assert.That(network.GetInbox(member.Subject).Select(m => m.Text), Is.EqualTo(new[] { "hi" }));
    }

    [Test]
    public async Task DirectMessage_ReachesTheInboxOldestFirstAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");

        var first = await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "Welcome" });
        clock.Advance(TimeSpan.FromMinutes(1));
        await connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Subject, Text = "Your sample shipped" });
        var inbox = network.GetInbox(member.Subject);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Network, Is.EqualTo("social"));
            Assert.That(first.RecipientSubject, Is.EqualTo(member.Subject));
            Assert.That(first.SentAt, Is.EqualTo(Start));
            Assert.That(inbox.Select(m => m.Text), Is.EqualTo(new[] { "Welcome", "Your sample shipped" }));
        }
    }

    [Test]
    public void DirectMessage_UnknownRecipient_IsNotFound()
    {
        var (_, _, connector) = Create();

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = "acct_missing", Text = "hi" }));

        Assert.That(ex!.ResourceKind, Is.EqualTo("account"));
    }

    [Test]
    public async Task Publish_TooLong_IsRefusedBeforeTheNetworkIsCalledAsync()
    {
        var (network, brand, connector) = Create(new EmbeddedSnsOptions { MaxPostLength = 10 });

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = "12345678901" }));
        var exact = await connector.PublishAsync(new PostRequest { Text = "1234567890" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("PostRequest.Text"));
            Assert.That(network.GetPostsBy(brand.Subject).Select(p => p.Id), Is.EqualTo(new[] { exact.Id }));
            Assert.That(network.WriteCallCount, Is.EqualTo(1), "the refused post never reached the network");
        }
    }

    [Test]
    public async Task Publish_Mentions_PrefixTheTextAndNotifyTheAccountsAsync()
    {
        var (network, _, connector) = Create();
        var minji = network.RegisterAccount("minji");

        var post = await connector.PublishAsync(new PostRequest { Text = "your design won!", Mentions = ["@Minji", "minji"] });

        Assert.That(post.Text, Is.EqualTo("@minji your design won!"));
        Assert.That(network.GetMentions(minji.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
    }

    [Test]
    public void Publish_UnknownMention_Is422AndNothingIsStored()
    {
        var (network, brand, connector) = Create();

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "hello", Mentions = ["ghost"] }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("unknown_mention"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(network.GetPostsBy(brand.Subject), Is.Empty);
        }
    }

    [Test]
    public void Publish_ReplyToUnknownPost_IsNotFound()
    {
        var (network, brand, connector) = Create();

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.PublishAsync(new PostRequest { Text = "reply", InReplyToId = "post_missing" }));

        Assert.That(ex!.ResourceKind, Is.EqualTo("post"));
        Assert.That(network.GetPostsBy(brand.Subject), Is.Empty);
    }

    [Test]
    public void RegisterAccount_DuplicateOrInvalidHandle_IsRefused()
    {
        var network = new EmbeddedSnsNetwork(timeProvider: clock);
        network.RegisterAccount("Minji");

        Assert.Throws<CoCreationConflictException>(() => network.RegisterAccount("minji"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => network.RegisterAccount("has space"))!.Field, Is.EqualTo("handle"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => network.RegisterAccount("x", locale: "not a locale"))!.Field, Is.EqualTo("locale"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => new EmbeddedSnsNetwork(new EmbeddedSnsOptions { MaxPostLength = 0 }))!.Field, Is.EqualTo("MaxPostLength"));
    }

    [Test]
    public async Task Search_PagesNewestFirstAndResumesFromAContinuationTokenAsync()
    {
        var (network, _, connector) = Create();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await connector.PublishAsync(new PostRequest { Text = $"Drop {i} of the LINEN collection" })).Id);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await connector.PublishAsync(new PostRequest { Text = "unrelated" });
        var newestFirst = Enumerable.Reverse(ids).ToList();

        var pages = await PagesAsync(connector.SearchAsync(new SearchQuery { Text = "linen" }), null, 2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 2, 2, 1 }));
            Assert.That(pages.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(newestFirst));
            Assert.That(pages[^1].ContinuationToken, Is.Null);
        }

        // A post published after the first page must not shift the pages still to come.
        network.Post(network.RegisterAccount("late").Credential, "late linen post");
        var resumed = await PagesAsync(connector.SearchAsync(new SearchQuery { Text = "linen" }), pages[0].ContinuationToken, 2);

        Assert.That(resumed.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(newestFirst.Skip(2)));
        Assert.That(await ToListAsync(connector.SearchAsync(new SearchQuery { Text = "LINEN" })), Has.Count.EqualTo(6), "enumeration reads every page with the default size");
    }

    [Test]
    public async Task Search_ContinuationToken_OfAnotherQueryOrGarbage_IsRefusedAsync()
    {
        var (_, _, connector) = Create();
        for (var i = 0; i < 3; i++)
        {
            await connector.PublishAsync(new PostRequest { Text = $"wool {i}" });
        }

        var token = (await PagesAsync(connector.SearchAsync(new SearchQuery { Text = "wool" }), null, 1))[0].ContinuationToken;

        Assert.That(token, Is.Not.Null);
        var other = Assert.ThrowsAsync<CoCreationValidationException>(() => PagesAsync(connector.SearchAsync(new SearchQuery { Text = "linen" }), token, 1));
        var garbage = Assert.ThrowsAsync<CoCreationValidationException>(() => PagesAsync(connector.SearchAsync(new SearchQuery { Text = "wool" }), "%%%not-a-token", 1));
        Assert.That(other!.Field, Is.EqualTo("continuationToken"));
        Assert.That(garbage!.Field, Is.EqualTo("continuationToken"));
    }

    [Test]
    public async Task Search_Hashtag_MatchesWholeTagsInPublicPostsSinceAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var old = network.Post(member.Credential, "old #MyDesign entry");
        clock.Advance(TimeSpan.FromHours(1));
        var since = clock.GetUtcNow();
        var tagged = network.Post(member.Credential, "Here is #mydesign, finally");
        network.Post(member.Credential, "Not a match: #mydesigns");
        await connector.PublishAsync(new PostRequest { Text = "followers only #mydesign", Visibility = PostVisibility.Followers });
        await connector.PublishAsync(new PostRequest { Text = "unlisted #mydesign", Visibility = PostVisibility.Unlisted });

        var all = await ToListAsync(connector.SearchAsync(new SearchQuery { Text = "#MYDESIGN" }));
        var recent = await ToListAsync(connector.SearchAsync(new SearchQuery { Text = "#mydesign", Since = since }));

        Assert.That(all.Select(p => p.Id), Is.EqualTo(new[] { tagged.Id, old.Id }));
        Assert.That(recent.Select(p => p.Id), Is.EqualTo(new[] { tagged.Id }));
        Assert.That(all.Select(p => p.Network), Is.All.EqualTo("social"));
    }

    [Test]
    public async Task Replies_ReturnTheWholeThreadOldestFirstInPagesAsync()
    {
        var (network, _, connector) = Create();
        var member = network.RegisterAccount("member");
        var root = await connector.PublishAsync(new PostRequest { Text = "Vote in the replies: 1 or 2" });
        var other = await connector.PublishAsync(new PostRequest { Text = "Another thread" });
        clock.Advance(TimeSpan.FromMinutes(1));
        var r1 = network.Post(member.Credential, "1", root.Id);
        clock.Advance(TimeSpan.FromMinutes(1));
        var r2 = await connector.PublishAsync(new PostRequest { Text = "Thanks!", InReplyToId = r1.Id });
        clock.Advance(TimeSpan.FromMinutes(1));
        var r3 = network.Post(member.Credential, "actually 2", r2.Id);
        clock.Advance(TimeSpan.FromMinutes(1));
        var r4 = network.Post(member.Credential, "2 again", root.Id);
        network.Post(member.Credential, "elsewhere", other.Id);

        var pages = await PagesAsync(connector.GetRepliesAsync(root.Id), null, 3);
        var resumed = await PagesAsync(connector.GetRepliesAsync(root.Id), pages[0].ContinuationToken, 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pages.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(new[] { r1.Id, r2.Id, r3.Id, r4.Id }));
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 3, 1 }));
            Assert.That(resumed.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(new[] { r4.Id }));
            Assert.That(r3.InReplyToId, Is.EqualTo(r2.Id));
        }
    }

    [Test]
    public void Replies_UnknownPost_IsNotFoundOnFetch()
    {
        var (_, _, connector) = Create();
        var pageable = connector.GetRepliesAsync("post_missing");

        Assert.ThrowsAsync<ResourceNotFoundException>(() => ToListAsync(pageable));
    }

    [Test]
    public async Task Network_Post_IndexesMentionsWrittenInTheTextAsync()
    {
        var (network, brand, connector) = Create();
        var member = network.RegisterAccount("member");

        var post = network.Post(member.Credential, "Hey @brand, and @nobody.");
        var found = await ToListAsync(connector.SearchAsync(new SearchQuery { Text = "hey @BRAND" }));

        Assert.That(network.GetMentions(brand.Subject).Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
        Assert.That(found.Select(p => p.Id), Is.EqualTo(new[] { post.Id }));
        Assert.That(network.GetPost(post.Id).Text, Is.EqualTo("Hey @brand, and @nobody."));
    }

    [Test]
    public async Task ConcurrentPublishes_AreAllStoredAsync()
    {
        var (network, brand, connector) = Create();

        var posts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => connector.PublishAsync(new PostRequest { Text = $"post {i}" }))));

        Assert.That(posts.Select(p => p.Id), Is.Unique);
        Assert.That(network.GetPostsBy(brand.Subject), Has.Count.EqualTo(50));
        Assert.That(network.WriteCallCount, Is.EqualTo(50));
    }
}
