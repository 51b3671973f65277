using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Mastodon.Tests.Unit;

/// <summary>The connector's own behaviour against the fake instance: limits, tokens, mentions, messages, notifications, registration.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MastodonConnectorTests
{
    private FakeMastodon fake = null!;
    private string brandToken = null!;
    private FakeAccount brand = null!;

    [OneTimeSetUp]
    public void StartInstance() => fake = new FakeMastodon();

    [OneTimeTearDown]
    public void StopInstance() => fake.Dispose();

    [SetUp]
    public void ResetInstance()
    {
        fake.Reset(content: true);
        fake.Limits = new FakeInstanceLimits();
        (brand, brandToken) = fake.AddAccount("fashionbrand", "Fashion Brand");
    }

    [TearDown]
    public void TrafficFitsTheSpec() => Assert.That(MastodonSpec.Check(fake.WaitForLog()), Is.Empty);

    [Test]
    public async Task Capabilities_AreMastodonsDefaultsUntilTheInstanceIsRead_ThenTheInstancesAsync()
    {
        fake.Limits = new FakeInstanceLimits { MaxCharacters = 1000, MaxPollOptions = 6, MaxPollOptionLength = 80, MinPollSeconds = 600, MaxPollSeconds = 86400 };
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();

        var before = connector.Capabilities;
        var readBefore = connector.CapabilitiesReadAt;
        await connector.GetBrandIdentityAsync();
        var after = connector.Capabilities;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(before, Is.EqualTo(MastodonConnector.DefaultCapabilities));
            Assert.That(before.MaxPostLength, Is.EqualTo(500));
            Assert.That(before.MaxPollOptions, Is.EqualTo(4));
            Assert.That(before.MaxPollOptionLength, Is.EqualTo(50));
            Assert.That(before.MinPollDuration, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(before.MaxPollDuration, Is.EqualTo(TimeSpan.FromDays(30)));
            Assert.That(readBefore, Is.Null);
            Assert.That(connector.CapabilitiesReadAt, Is.Not.Null);
            Assert.That(after.MaxPostLength, Is.EqualTo(1000));
            Assert.That(after.MaxPollOptions, Is.EqualTo(6));
            Assert.That(after.MaxPollOptionLength, Is.EqualTo(80));
            Assert.That(after.MinPollDuration, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(after.MaxPollDuration, Is.EqualTo(TimeSpan.FromDays(1)));
            Assert.That(connector.Metadata, Is.EqualTo(new SnsConnectorMetadata(MastodonTestHost.Name, "mastodon", fake.Url.Authority, $"Mastodon ({fake.Url.Authority})")));
        }
    }

    [Test]
    public async Task Capabilities_AreCachedForTheRefreshInterval_OnTheInjectedClockAsync()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        var connector = MastodonConnector.Create("brand", Options(o => o.CapabilitiesRefreshInterval = TimeSpan.FromMinutes(10)), http, clock);

        await connector.GetBrandIdentityAsync();
        await connector.GetBrandIdentityAsync();
        var afterTwoCalls = fake.RequestsTo("GET", "/api/v2/instance");
        fake.Limits = new FakeInstanceLimits { MaxCharacters = 700 };
        clock.Advance(TimeSpan.FromMinutes(9));
        await connector.GetBrandIdentityAsync();
        var beforeExpiry = (fake.RequestsTo("GET", "/api/v2/instance"), connector.Capabilities.MaxPostLength);
        clock.Advance(TimeSpan.FromMinutes(2));
        await connector.GetBrandIdentityAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(afterTwoCalls, Is.EqualTo(1), "read once, then cached");
            Assert.That(beforeExpiry, Is.EqualTo((1, 500)), "still cached before the interval ends");
            Assert.That(fake.RequestsTo("GET", "/api/v2/instance"), Is.EqualTo(2), "read again after the interval");
            Assert.That(connector.Capabilities.MaxPostLength, Is.EqualTo(700));
        }
    }

    [Test]
    public async Task FirstPublish_IsCheckedAgainstTheInstancesLimits_NotTheDefaultsAsync()
    {
        fake.Limits = new FakeInstanceLimits { MaxCharacters = 1000 };
        using var larger = MastodonTestHost.Build(fake, brandToken);
        var longText = new string('a', 700);

        var post = await larger.Connector().PublishAsync(new PostRequest { Text = longText });

        Assert.That(post.Text, Is.EqualTo(longText), "700 characters fit an instance that allows 1000, though Mastodon's default is 500");

        fake.Limits = new FakeInstanceLimits { MaxCharacters = 100 };
        using var smaller = MastodonTestHost.Build(fake, brandToken);
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => smaller.Connector().PublishAsync(new PostRequest { Text = new string('b', 200) }));

        Assert.That(ex!.Field, Is.EqualTo("PostRequest.Text"));
        Assert.That(fake.StatusTexts(), Has.None.StartsWith("bbb"), "refused before anything was posted");
    }

    [Test]
    public async Task FirstPoll_IsCheckedAgainstTheInstancesLimitsAsync()
    {
        fake.Limits = new FakeInstanceLimits { MaxPollOptions = 2 };
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.CreatePollAsync(new PollRequest { Question = "Pick", Options = ["a", "b", "c"], Duration = TimeSpan.FromHours(1) }));
        var blank = Assert.ThrowsAsync<CoCreationValidationException>(() => MastodonTestHost.Build(fake, brandToken).Connector().CreatePollAsync(new PollRequest { Question = " ", Options = ["a", "b"], Duration = TimeSpan.FromHours(1) }));
        var poll = await connector.CreatePollAsync(new PollRequest { Question = "Pick", Options = ["a", "b"], Duration = TimeSpan.FromHours(1), AllowMultiple = true });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("PollRequest.Options"));
            Assert.That(blank!.Field, Is.EqualTo("PollRequest.Question"));
            Assert.That(poll.AllowMultiple, Is.True);
            Assert.That(poll.ExpiresAt - poll.Post.CreatedAt, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(fake.RequestsTo("POST", "/api/v1/statuses"), Is.EqualTo(1), "only the valid poll was posted");
        }
    }

    [Test]
    public async Task MemberPost_CarriesOnlyTheMembersTokenAsync()
    {
        var (member, memberToken) = fake.AddAccount("minji");
        using var provider = MastodonTestHost.Build(fake, brandToken);

        var post = await provider.Connector().PublishAsync(new PostRequest { Text = "my design", Author = new SnsCredential(memberToken), Visibility = PostVisibility.Followers });

        var sent = fake.WaitForLog().Single(e => e.RequestMessage.Method == "POST");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.AuthorSubject, Is.EqualTo(member.Id));
            Assert.That(post.AuthorHandle, Is.EqualTo("minji@fashion.test"));
            Assert.That(sent.RequestMessage.Headers!["Authorization"].Single(), Is.EqualTo("Bearer " + memberToken));
            Assert.That(sent.RequestMessage.Body, Does.Contain("\"visibility\":\"private\""), "Followers maps to Mastodon's private");
            Assert.That(fake.WaitForLog().Where(e => e.RequestMessage.AbsolutePath != "/api/v2/instance").SelectMany(e => e.RequestMessage.Headers!["Authorization"]), Has.None.Contains(brandToken));
        }
    }

    [Test]
    public async Task Mentions_ArePutInFrontOfTheText_AndCountedAsMastodonCountsThemAsync()
    {
        fake.AddAccount("minji");
        fake.Limits = new FakeInstanceLimits { MaxCharacters = 30 };
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();

        var post = await connector.PublishAsync(new PostRequest { Text = "thanks!", Mentions = ["minji@fashion.test", "@minji@fashion.test"] });
        var already = await connector.PublishAsync(new PostRequest { Text = "hi @minji", Mentions = ["minji"] });
        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = new string('x', 25), Mentions = ["minji"] }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.Text, Is.EqualTo("@minji thanks!"), "the mention is added once and rendered as Mastodon renders it");
            Assert.That(fake.StatusTexts(), Does.Contain("@minji@fashion.test thanks!"));
            Assert.That(already.Text, Is.EqualTo("hi @minji"), "a mention already in the text is not added again");
            Assert.That(ex!.Field, Is.EqualTo("PostRequest.Mentions"));
        }
    }

    [Test]
    public async Task DirectMessage_IsADirectStatusThatMentionsTheRecipientByTheirCurrentHandleAsync()
    {
        var (member, memberToken) = fake.AddAccount("minji");
        using var provider = MastodonTestHost.Build(fake, brandToken);

        var message = await provider.Connector().SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = member.Id, RecipientHandle = "old-handle@elsewhere", Text = "Your design won" });

        var post = fake.WaitForLog().Single(e => e.RequestMessage.Method == "POST").RequestMessage.Body;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(post, Does.Contain("\"visibility\":\"direct\"").And.Contain("@minji Your design won"));
            Assert.That(message.Text, Is.EqualTo("@minji Your design won"));
            Assert.That(message.RecipientSubject, Is.EqualTo(member.Id));
            Assert.That(message.Network, Is.EqualTo(MastodonTestHost.Name));
        }

        using var memberView = MastodonTestHost.Build(fake, memberToken);
        var inbox = await memberView.Connector().ReadNotificationsAsync(null);
        Assert.That(inbox.Notifications.Single().Post!.Id, Is.EqualTo(message.Id), "the recipient is notified of the mention");
    }

    [Test]
    public async Task Notifications_AreReadByCursor_OldestFirstAsync()
    {
        var (_, memberToken) = fake.AddAccount("minji");
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();
        using var memberProvider = MastodonTestHost.Build(fake, memberToken);
        var asMember = memberProvider.Connector();

        var first = await asMember.PublishAsync(new PostRequest { Text = "@fashionbrand love it" });
        var poll = await connector.CreatePollAsync(new PollRequest { Question = "Pick", Options = ["a", "b"], Duration = TimeSpan.FromHours(1) });
        fake.EndPoll(poll.Id);
        var page = await connector.ReadNotificationsAsync(null);
        var empty = await connector.ReadNotificationsAsync(page.Cursor);
        var second = await asMember.PublishAsync(new PostRequest { Text = "@fashionbrand one more" });
        var next = await connector.ReadNotificationsAsync(empty.Cursor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(page.Notifications.Select(n => n.Kind), Is.EqualTo(new[] { MastodonNotificationKind.Mention, MastodonNotificationKind.PollEnded }));
            Assert.That(page.Notifications[0].Post!.Id, Is.EqualTo(first.Id));
            Assert.That(page.Notifications[0].Account.Handle, Is.EqualTo("minji@fashion.test"));
            Assert.That(page.Notifications[1].PollId, Is.EqualTo(poll.Id));
            Assert.That(page.Cursor, Is.EqualTo(page.Notifications[^1].Id));
            Assert.That(page.HasMore, Is.False);
            Assert.That(empty.Notifications, Is.Empty);
            Assert.That(empty.Cursor, Is.EqualTo(page.Cursor), "nothing new keeps the cursor");
            Assert.That(next.Notifications.Select(n => n.Post!.Id), Is.EqualTo(new[] { second.Id }));
        }
    }

    [Test]
    public async Task Search_AppliesSinceAndPagesByStatusIdAsync()
    {
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();
        var old = await connector.PublishAsync(new PostRequest { Text = "navy #sale" });
        var recent = await connector.PublishAsync(new PostRequest { Text = "olive #sale" });
        var newest = await connector.PublishAsync(new PostRequest { Text = "sand #sale" });

        var since = new List<SnsPost>();
        await foreach (var post in connector.SearchAsync(new SearchQuery { Text = "#sale", Since = recent.CreatedAt }))
        {
            since.Add(post);
        }

        var pages = new List<Page<SnsPost>>();
        await foreach (var page in connector.SearchAsync(new SearchQuery { Text = "#sale" }).AsPages(pageSizeHint: 2))
        {
            pages.Add(page);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(since.Select(p => p.Id), Is.EqualTo(new[] { newest.Id, recent.Id }));
            Assert.That(pages.Select(p => p.Values.Count), Is.EqualTo(new[] { 2, 1 }), "the last page is known without an empty request");
            Assert.That(pages[0].ContinuationToken, Is.EqualTo(recent.Id));
            Assert.That(pages.SelectMany(p => p.Values).Select(p => p.Id), Is.EqualTo(new[] { newest.Id, recent.Id, old.Id }));
        }
    }

    [Test]
    public async Task Replies_ResumeAfterATokenWhoseReplyWasDeletedAsync()
    {
        using var provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();
        var root = await connector.PublishAsync(new PostRequest { Text = "root" });
        var first = await connector.PublishAsync(new PostRequest { Text = "one", InReplyToId = root.Id });
        var second = await connector.PublishAsync(new PostRequest { Text = "two", InReplyToId = root.Id });
        var third = await connector.PublishAsync(new PostRequest { Text = "three", InReplyToId = first.Id });
        var goneId = (long.Parse(first.Id, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        var resumed = new List<SnsPost>();
        await foreach (var page in connector.GetRepliesAsync(root.Id).AsPages(goneId, 1))
        {
            resumed.AddRange(page.Values);
        }

        Assert.That(resumed.Select(p => p.Id), Is.EqualTo(new[] { second.Id, third.Id }), "oldest first, after the missing reply's place");
    }

    [Test]
    public async Task Registration_KeepsTwoAccountsApartAsync()
    {
        using var other = new FakeMastodon();
        var (_, otherToken) = other.AddAccount("otherbrand");
        var services = new ServiceCollection();
        var builder = new TestCoCreationBuilder(services);
        builder.AddMastodon("first", o => MastodonTestHost.Fast(o, fake, brandToken)).AddMastodon("second", o => MastodonTestHost.Fast(o, other, otherToken));
        using var provider = services.BuildServiceProvider();

        var first = await provider.Connector("first").GetBrandIdentityAsync();
        var second = await provider.Connector("second").GetBrandIdentityAsync();
        var registrations = services.Count;
        var duplicate = Assert.Throws<CoCreationValidationException>(() => builder.AddMastodon("first", o => MastodonTestHost.Fast(o, fake, brandToken)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((first.Network, first.Handle), Is.EqualTo(("first", "fashionbrand@fashion.test")));
            Assert.That((second.Network, second.Handle), Is.EqualTo(("second", "otherbrand@fashion.test")));
            Assert.That(duplicate!.Field, Is.EqualTo("name"));
            Assert.That(services, Has.Count.EqualTo(registrations), "a refused duplicate registers nothing");
            Assert.That(provider.GetKeyedService<MastodonOAuth>("second")!.Instance, Is.EqualTo(other.Url));
        }
    }

    [Test]
    public async Task Registration_BindsFromConfigurationAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CoCreation:Mastodon:brand:Instance"] = fake.Url.ToString(),
            ["CoCreation:Mastodon:brand:AccessToken"] = brandToken,
            ["CoCreation:Mastodon:brand:MaxRetryAttempts"] = "1",
            ["CoCreation:Mastodon:brand:CapabilitiesRefreshInterval"] = "00:05:00",
        }).Build();
        var services = new ServiceCollection();
        new TestCoCreationBuilder(services).AddMastodon("brand", configuration.GetSection("CoCreation:Mastodon:brand"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<MastodonOptions>>().Get("brand");
        var identity = await provider.Connector("brand").GetBrandIdentityAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(options.MaxRetryAttempts, Is.EqualTo(1));
            Assert.That(options.CapabilitiesRefreshInterval, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(identity.Subject, Is.EqualTo(brand.Id));
        }
    }

    [Test]
    public void Registration_ValidatesOptionsAtStart_WithoutShowingTheToken()
    {
        var services = new ServiceCollection();
        new TestCoCreationBuilder(services).AddMastodon("broken", o =>
        {
            o.Instance = new Uri("ftp://fashion.test/");
            o.AccessToken = "secret-token-123";
            o.MaxRetryAttempts = 11;
            o.AttemptTimeout = TimeSpan.FromSeconds(40);
        });
        using var provider = services.BuildServiceProvider();

        // The host runs the startup validator; the resilience pipeline's options read these too, so failures may come aggregated.
        var atStart = Assert.CatchAsync(() => provider.GetRequiredService<IAsyncStartupValidator>().ValidateAsync(CancellationToken.None));
        var failures = (atStart is AggregateException many ? many.InnerExceptions : [atStart!]).OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        var atResolve = Assert.Throws<OptionsValidationException>(() => provider.Connector("broken"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Has.Some.Contains("Instance must be an absolute http or https address"));
            Assert.That(failures, Has.Some.Contains("MaxRetryAttempts must be between 0 and 10"));
            Assert.That(failures, Has.Some.Contains("TotalRequestTimeout must be at least AttemptTimeout"));
            Assert.That(atStart!.ToString(), Does.Not.Contain("secret-token-123"));
            Assert.That(atResolve!.OptionsName, Is.EqualTo("broken"));
            Assert.That(new MastodonOptions { AccessToken = "secret-token-123" }.ToString(), Does.Not.Contain("secret-token-123"));
        }
    }

    [Test]
    public void Registration_RequiresInstanceAndToken()
    {
        var result = new MastodonOptionsValidator().Validate("brand", new MastodonOptions());

        Assert.That(result.Failures, Has.Some.Contains("Instance is required").And.Some.Contains("AccessToken is required"));
        Assert.That(new MastodonOptionsValidator().Validate("brand", Options()).Succeeded, Is.True);
    }

    private MastodonOptions Options(Action<MastodonOptions>? configure = null)
    {
        var options = new MastodonOptions();
        MastodonTestHost.Fast(options, fake, brandToken, configure);
        return options;
    }
}
