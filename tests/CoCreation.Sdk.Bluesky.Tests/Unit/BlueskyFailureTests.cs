using System.Globalization;
using System.Net;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock;

namespace CoCreation.Sdk.Bluesky.Tests.Unit;

/// <summary>Errors, rate limits, session refresh, limits checked before sending, and capability refusals, against the fake PDS.</summary>
[TestFixture]
[Category("Unit")]
public sealed class BlueskyFailureTests
{
    private FakeBluesky fake = null!;
    private FakeAccount brand = null!;
    private FakeAccount member = null!;
    private CollectingLoggerProvider logs = null!;

    [SetUp]
    public void Start()
    {
        fake = new FakeBluesky();
        brand = fake.AddAccount("brand.fake.test");
        member = fake.AddAccount("minji.fake.test");
        logs = new CollectingLoggerProvider();
    }

    [TearDown]
    public void Stop()
    {
        fake.Dispose();
        logs.Dispose();
    }

    [Test]
    public async Task RateLimitExceeded_WithALongWait_FailsAtOnceWithTheWaitAndStateAsync()
    {
        using var provider = Build();
        await provider.Connector().GetBrandIdentityAsync();
        var reset = DateTimeOffset.UtcNow.AddMinutes(2).ToUnixTimeSeconds();
        fake.Intercept("app.bsky.feed.getPostThread", (_, _) => RateLimited(reset));

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => ToListAsync(provider.Connector().GetRepliesAsync($"at://{brand.Did}/app.bsky.feed.post/3kabc")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.RetryAfter, Is.GreaterThan(TimeSpan.FromSeconds(60)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(121)), "the wait comes from RateLimit-Reset");
            Assert.That(ex.RateLimit, Is.Not.Null);
            Assert.That(ex.RateLimit!.Remaining, Is.Zero);
            Assert.That(ex.RateLimit.Limit, Is.EqualTo(100));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(fake.RequestsTo("app.bsky.feed.getPostThread"), Is.EqualTo(1), "a wait longer than MaxRetryAfter is not waited out");
        }
    }

    [Test]
    public async Task RateLimitExceeded_WithAShortWait_IsRetriedForQueriesAsync()
    {
        var root = fake.AddPost(brand.Did, "Root");
        using var provider = Build();
        fake.Intercept("app.bsky.feed.getPostThread", (_, attempt) => attempt == 1 ? RateLimited(DateTimeOffset.UtcNow.ToUnixTimeSeconds()) : null);

        var replies = await ToListAsync(provider.Connector().GetRepliesAsync(root.Uri));

        Assert.That(replies, Is.Empty);
        Assert.That(fake.RequestsTo("app.bsky.feed.getPostThread"), Is.EqualTo(2));
        Assert.That(provider.Connector().LastRateLimit, Is.Not.Null, "the rate-limit headers of the last response are kept");
    }

    [Test]
    public async Task ServerError_IsRetriedForQueries_ButNeverForProceduresAsync()
    {
        var root = fake.AddPost(brand.Did, "Root");
        using var provider = Build();
        fake.Intercept("app.bsky.feed.getPostThread", (_, attempt) => attempt == 1 ? FakeBluesky.Error(502, "UpstreamFailure", "bad gateway") : null);
        fake.Intercept("com.atproto.repo.createRecord", (_, _) => FakeBluesky.Error(500, "InternalServerError", "Internal Server Error"));

        await ToListAsync(provider.Connector().GetRepliesAsync(root.Uri));
        var ex = Assert.ThrowsAsync<ProviderException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Hello" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fake.RequestsTo("app.bsky.feed.getPostThread"), Is.EqualTo(2), "the query was retried");
            Assert.That(fake.RequestsTo("com.atproto.repo.createRecord"), Is.EqualTo(1), "a post is never sent twice");
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("InternalServerError"));
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }
    }

    [Test]
    public void XrpcErrorBody_IsMappedToAProviderExceptionWithTheErrorName()
    {
        using var provider = Build();
        fake.Intercept("com.atproto.repo.createRecord", (_, _) => FakeBluesky.Error(400, "InvalidRequest", "Invalid app.bsky.feed.post record"));

        var ex = Assert.ThrowsAsync<ProviderException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Hello" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ProviderErrorCode, Is.EqualTo("InvalidRequest"));
            Assert.That(ex.Message, Does.Contain("Invalid app.bsky.feed.post record"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
    }

    [Test]
    public void MalformedBody_IsAProviderException()
    {
        using var provider = Build();
        fake.Intercept("com.atproto.repo.createRecord", (_, _) => FakeBluesky.Malformed());

        var ex = Assert.ThrowsAsync<ProviderException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Hello" }));

        Assert.That(ex!.ProviderErrorCode, Is.EqualTo("malformed_response"));
    }

    [Test]
    public void UnknownPost_IsNotFound()
    {
        using var provider = Build();

        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => ToListAsync(provider.Connector().GetRepliesAsync($"at://{brand.Did}/app.bsky.feed.post/3kzzz")));
        var reply = Assert.ThrowsAsync<ResourceNotFoundException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Reply", InReplyToId = $"at://{brand.Did}/app.bsky.feed.post/3kzzz" }));

        Assert.That(ex!.ResourceKind, Is.EqualTo("post"));
        Assert.That(reply!.ResourceId, Does.EndWith("3kzzz"));
        Assert.That(fake.RequestsTo("com.atproto.repo.createRecord"), Is.Zero, "a reply to a missing post is not written");
    }

    [Test]
    public async Task ExpiredBrandToken_IsRefreshedAndTheCallSentOnceMoreAsync()
    {
        using var provider = Build();
        var connector = provider.Connector();
        await connector.GetBrandIdentityAsync();
        fake.ExpireAccessTokens();

        var post = await connector.PublishAsync(new PostRequest { Text = "After expiry" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.AuthorSubject, Is.EqualTo(brand.Did));
            Assert.That(fake.RequestsTo("com.atproto.server.refreshSession"), Is.EqualTo(1));
            Assert.That(fake.RequestsTo("com.atproto.server.createSession"), Is.EqualTo(1), "the app password was used only for the first sign-in");
            Assert.That(fake.RequestsTo("com.atproto.repo.createRecord"), Is.EqualTo(2), "the refused post, then the accepted one");
            Assert.That(fake.Posts(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public async Task ExpiredRefreshToken_SignsInAgainWithTheAppPasswordAsync()
    {
        using var provider = Build();
        var connector = provider.Connector();
        await connector.GetBrandIdentityAsync();
        fake.ExpireAccessTokens();
        fake.RevokeRefreshTokens();

        var identity = await connector.GetBrandIdentityAsync();

        Assert.That(identity.Subject, Is.EqualTo(brand.Did));
        Assert.That(fake.RequestsTo("com.atproto.server.createSession"), Is.EqualTo(2));
    }

    [Test]
    public void WrongAppPassword_IsACredentialExceptionWithoutThePassword()
    {
        const string wrong = "wrong-app-password-1234";
        using var provider = BlueskyTestHost.Build(fake.Url, brand.Handle, wrong, logs: logs);

        var ex = Assert.ThrowsAsync<Sdk.Health.ReauthorizationRequiredException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Hello" }));

        Assert.That(ex!.Message, Does.Not.Contain(wrong));
        Assert.That(logs.Lines, Has.None.Contains(wrong));
        Assert.That(fake.RequestsTo("com.atproto.repo.createRecord"), Is.Zero);
    }

    [Test]
    public async Task MemberTokens_NeverReachMessagesOrLogsAsync()
    {
        using var provider = Build();
        var session = await provider.Connector().CreateSessionAsync(member.Handle, member.Password);
        fake.ExpireAccessTokens();

        var expired = Assert.ThrowsAsync<CredentialException>(() => provider.Connector().VerifyCredentialsAsync(session.ToCredential()));
        var unknown = Assert.ThrowsAsync<CredentialException>(() => provider.Connector().VerifyCredentialsAsync(new SnsCredential("acc-unknown-secret")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expired!.Message, Does.Not.Contain(session.AccessJwt).And.Contain("expired"));
            Assert.That(unknown!.Message, Does.Not.Contain("acc-unknown-secret"));
            Assert.That(logs.Lines, Has.None.Contains(session.AccessJwt).And.None.Contains(member.Password).And.None.Contains(brand.Password));
            Assert.That(fake.RequestsTo("com.atproto.server.refreshSession"), Is.Zero, "a member's session is never refreshed behind their back");
        }
    }

    [Test]
    public void Post_Over300Graphemes_IsRefusedBeforeAnythingIsSent()
    {
        using var provider = Build();
        var connector = provider.Connector();

        var graphemes = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = string.Concat(Enumerable.Repeat("🎉", 301)) }));
        var bytes = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = string.Concat(Enumerable.Repeat("👩‍👩‍👧‍👦", 200)) }));
        var mentions = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = new string('x', 290), Mentions = [member.Handle] }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(graphemes!.Field, Is.EqualTo("PostRequest.Text"));
            Assert.That(bytes!.Field, Is.EqualTo("PostRequest.Text"));
            Assert.That(bytes.Message, Does.Contain("bytes"), "200 graphemes, but more than 3000 UTF-8 bytes");
            Assert.That(mentions!.Field, Is.EqualTo("PostRequest.Mentions"), "the appended mention is what pushed it over");
            Assert.That(fake.TotalRequests, Is.Zero, "nothing was sent");
        }
    }

    [Test]
    public async Task Post_OfExactly300Graphemes_IsSentAsync()
    {
        using var provider = Build();
        var text = string.Concat(Enumerable.Repeat("👍🏽", 300));

        var post = await provider.Connector().PublishAsync(new PostRequest { Text = text });

        Assert.That(post.Text, Is.EqualTo(text));
        Assert.That(fake.Posts().Single().Text, Is.EqualTo(text));
    }

    [Test]
    public void UnknownMention_IsRefusedAndNothingIsWritten()
    {
        using var provider = Build();

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => provider.Connector().PublishAsync(new PostRequest { Text = "Hi", Mentions = [member.Handle, "nobody.fake.test"] }));

        Assert.That(ex!.Field, Is.EqualTo("PostRequest.Mentions[1]"));
        Assert.That(fake.RequestsTo("com.atproto.repo.createRecord"), Is.Zero);
    }

    [Test]
    public void Capabilities_RefuseWhatBlueskyCannotDo()
    {
        using var provider = Build();
        var connector = provider.Connector();
        var poll = new PollRequest { Question = "Which?", Options = ["A", "B"], Duration = TimeSpan.FromDays(1) };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(connector.Capabilities.SupportsPolls, Is.False);
            Assert.That(connector.Capabilities.SupportsDirectMessages, Is.False, "no chat service configured");
            Assert.That(connector.Capabilities.MaxPostLength, Is.EqualTo(300));
            Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.CreatePollAsync(poll));
            Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.GetPollResultsAsync("p1"));
            Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Did, Text = "Hi" }));
            Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.PublishAsync(new PostRequest { Text = "Hi", Visibility = PostVisibility.Followers }));
            Assert.That(fake.TotalRequests, Is.Zero);
        }
    }

    [Test]
    public void RepositoryMode_HasNoSearchOrNotifications()
    {
        using var provider = Build(o => o.ReadMode = BlueskyReadMode.PdsRepositories);
        var connector = provider.Connector();

        Assert.That(connector.Capabilities.SupportsSearch, Is.False);
        Assert.That(connector.Capabilities.SupportsReplies, Is.True);
        Assert.ThrowsAsync<CapabilityNotSupportedException>(() => connector.ReadNotificationsAsync(null));
    }

    [Test]
    public void BadInput_IsRefusedNamingTheField()
    {
        using var provider = Build(o => o.ChatService = FakeBluesky.ChatProxy);
        var connector = provider.Connector();

        var reply = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = "Hi", InReplyToId = "https://bsky.app/profile/x/post/1" }));
        var recipient = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = "minji.fake.test", Text = "Hi" }));
        var thread = Assert.Throws<CoCreationValidationException>(() => connector.GetRepliesAsync("12345"));

        Assert.That(reply!.Field, Is.EqualTo("PostRequest.InReplyToId"));
        Assert.That(recipient!.Field, Is.EqualTo("DirectMessageRequest.RecipientSubject"));
        Assert.That(thread!.Field, Is.EqualTo("postId"));
        Assert.That(fake.TotalRequests, Is.Zero);
    }

    [Test]
    public async Task Notifications_AreMentionsAndRepliesToTheBrandAsync()
    {
        using var provider = Build();
        var connector = provider.Connector();
        var question = await connector.PublishAsync(new PostRequest { Text = "Question" });
        var session = await connector.CreateSessionAsync(member.Handle, member.Password);
        await connector.PublishAsync(new PostRequest { Text = "1", InReplyToId = question.Id, Author = session.ToCredential() });
        await connector.PublishAsync(new PostRequest { Text = "Hey", Mentions = [brand.Handle], Author = session.ToCredential() });
        fake.AddPost(member.Did, "Unrelated");

        var page = await connector.ReadNotificationsAsync(null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Notifications.Select(n => n.Kind), Is.EquivalentTo(new[] { BlueskyNotificationKind.Reply, BlueskyNotificationKind.Mention }));
            Assert.That(page.Notifications.Select(n => n.Author.Subject), Is.All.EqualTo(member.Did));
            Assert.That(page.Notifications.Single(n => n.Kind == BlueskyNotificationKind.Reply).Post.InReplyToId, Is.EqualTo(question.Id));
            Assert.That(page.Cursor, Is.Null, "everything fit on one page");
        }
    }

    [Test]
    public async Task Search_SendsSinceAndFollowsTheServerCursorAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            fake.AddPost(member.Did, $"drop {i}");
        }

        using var provider = Build();
        var since = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(9));

        var pages = new List<Page<SnsPost>>();
        await foreach (var page in provider.Connector().SearchAsync(new SearchQuery { Text = "drop", Since = since }).AsPages(null, 2))
        {
            pages.Add(page);
        }

        var query = fake.WaitForLog().First(e => e.RequestMessage.AbsolutePath.EndsWith("searchPosts", StringComparison.Ordinal)).RequestMessage.RawQuery;
        Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 2, 1 }));
        Assert.That(pages[^1].ContinuationToken, Is.Null);
        Assert.That(query, Does.Contain("since=2026-01-01T18%3A04%3A05.000Z").And.Contain("sort=latest"));
    }

    [Test]
    public void Options_AreValidatedAndHideThePassword()
    {
        var options = new BlueskyOptions { Service = new Uri("ftp://x/"), Identifier = " ", AppPassword = "secret-app-pass", ChatService = "api.bsky.chat", MaxRetryAttempts = 11 };

        var result = new BlueskyOptionsValidator().Validate("brand", options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.Contains("Service").And.Some.Contains("Identifier").And.Some.Contains("ChatService").And.Some.Contains("MaxRetryAttempts"));
        Assert.That(string.Join(" ", result.Failures ?? []) + options, Does.Not.Contain("secret-app-pass"));
        using var provider = BlueskyTestHost.Build(fake.Url, brand.Handle, " ");
        Assert.Throws<OptionsValidationException>(() => provider.Connector());
    }

    [Test]
    public void AddBluesky_Twice_IsRefused()
    {
        var services = new ServiceCollection();
        var builder = new TestCoCreationBuilder(services);
        builder.AddBluesky("brand", o => o.Service = fake.Url);

        Assert.Throws<CoCreationValidationException>(() => builder.AddBluesky("brand", o => o.Service = fake.Url));
        Assert.That(BlueskyCoCreationBuilderExtensions.HttpClientName("brand"), Is.EqualTo("CoCreation.Sdk.Bluesky.brand"));
    }

    private ServiceProvider Build(Action<BlueskyOptions>? configure = null) => BlueskyTestHost.Build(fake, brand, configure, logs);

    private static IResponseMessage RateLimited(long reset)
    {
        var response = FakeBluesky.Error(429, "RateLimitExceeded", "Rate Limit Exceeded");
        response.AddHeader("RateLimit-Limit", "100");
        response.AddHeader("RateLimit-Remaining", "0");
        response.AddHeader("RateLimit-Reset", reset.ToString(CultureInfo.InvariantCulture));
        response.AddHeader("RateLimit-Policy", "100;w=300");
        return response;
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
}
