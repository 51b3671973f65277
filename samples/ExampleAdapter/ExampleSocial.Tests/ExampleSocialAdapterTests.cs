using System.Net;
using System.Net.Sockets;
using CoCreation.Sdk;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ExampleSocial.Tests;

/// <summary>What the conformance suite does not cover: options, registration and the mapping of HTTP failures.</summary>
public sealed class ExampleSocialAdapterTests
{
    private FakeExampleSocial fake = null!;
    private string brandToken = null!;

    [OneTimeSetUp]
    public void StartFake() => fake = new FakeExampleSocial();

    [OneTimeTearDown]
    public void StopFake() => fake.Dispose();

    [SetUp]
    public void ResetFake()
    {
        fake.Reset();
        (_, brandToken) = fake.AddAccount("brand");
    }

    [Test]
    public void MissingOptions_AreRefusedNamingEachField()
    {
        var services = new ServiceCollection();
        services.AddCoCreation().AddExampleSocial("social", _ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ISnsConnector>("social"));

        Assert.That(ex!.Failures, Has.Some.Contains("BaseAddress is required").And.Some.Contains("AccessToken is required"));
    }

    [Test]
    public void BadOptions_AreRefusedWithoutShowingTheToken()
    {
        using var provider = TestHost.Build(new Uri("ftp://files.test/"), brandToken, o => o.AttemptTimeout = TimeSpan.Zero);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name));

        Assert.That(ex!.Failures, Has.Some.Contains("BaseAddress must be an absolute http or https address").And.Some.Contains("AttemptTimeout must be at least 10 ms"));
        Assert.That(ex.Failures, Is.All.StartsWith($"ExampleSocial connector '{TestHost.Name}': "));
        Assert.That(ex.Message, Does.Not.Contain(brandToken));
        Assert.That(new ExampleSocialOptions { AccessToken = brandToken }.ToString(), Does.Not.Contain(brandToken));
        Assert.That(new ApiCall("publish", HttpMethod.Post, "v1/posts", brandToken).ToString(), Does.Not.Contain(brandToken));
    }

    [Test]
    public void SameName_IsRefusedTwice()
    {
        var builder = new ServiceCollection().AddCoCreation().AddExampleSocial("social", o => o.AccessToken = "t");
        var registered = builder.Services.Count;

        var ex = Assert.Throws<CoCreationValidationException>(() => builder.AddExampleSocial("social", o => o.AccessToken = "t"));

        Assert.That(ex!.Field, Is.EqualTo("name"));
        Assert.That(builder.Services, Has.Count.EqualTo(registered), "a refused registration adds nothing");
    }

    [Test]
    public async Task Options_BindFromConfigurationAsync()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["BaseAddress"] = fake.Url.ToString(), ["AccessToken"] = brandToken })
            .Build();
        var services = new ServiceCollection();
        services.AddCoCreation().AddExampleSocial("configured", configuration);
        await using var provider = services.BuildServiceProvider();
        var connector = provider.GetRequiredKeyedService<ISnsConnector>("configured");

        var post = await connector.PublishAsync(new PostRequest { Text = "Bound from configuration" });

        Assert.That(post.Network, Is.EqualTo("configured"));
        Assert.That(fake.PostCount, Is.EqualTo(1));
    }

    [Test]
    public async Task RateLimit_BecomesRateLimitedExceptionWithTheWaitAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);
        fake.FailNext(429, "rate_limited", retryAfterSeconds: 30);

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => connector.PublishAsync(new PostRequest { Text = "Too fast" }));

        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(ex.RateLimit, Is.Not.Null);
        Assert.That(ex.RateLimit!.Remaining, Is.Zero);
        Assert.That(fake.PostCount, Is.Zero);
    }

    [Test]
    public async Task ShortRetryAfter_IsWaitedOutAndTheReadRetriedAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);
        fake.FailNext(429, "rate_limited", retryAfterSeconds: 1);

        var identity = await connector.VerifyCredentialsAsync(new SnsCredential(brandToken));

        Assert.That(identity.Handle, Is.EqualTo("brand"));
        Assert.That(fake.Server.LogEntries.Count(e => e.RequestMessage.Path == "/v1/me"), Is.EqualTo(2), "the refused read and its retry");
    }

    [Test]
    public async Task ServerError_IsRetriedForAWriteWithAnIdempotencyKeyAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken, o => o.RetryBaseDelay = TimeSpan.Zero);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);
        fake.FailNext(503, "maintenance");

        var post = await connector.PublishAsync(new PostRequest { Text = "Keyed, so safe to repeat", IdempotencyKey = "post-1" });

        Assert.That(post.Text, Is.EqualTo("Keyed, so safe to repeat"));
        Assert.That(fake.PostCount, Is.EqualTo(1));
        Assert.That(fake.Server.LogEntries.Count(e => e.RequestMessage.Method == "POST"), Is.EqualTo(2), "the failed attempt and its retry");
    }

    [Test]
    public async Task ServerError_IsTransientProviderExceptionAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);
        fake.FailNext(503, "maintenance");

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "During maintenance" }));

        Assert.That(ex!.IsTransient, Is.True);
        Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("maintenance"));
        Assert.That(fake.Server.LogEntries, Has.Count.EqualTo(1), "a write without an idempotency key is never sent twice");
    }

    [Test]
    public async Task EchoedToken_IsRedactedFromTheMessageAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);
        fake.FailNext(422, "invalid_request", message: $"Bad request from Bearer {brandToken}");

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "Echo" }));

        Assert.That(ex!.IsTransient, Is.False);
        Assert.That(ex.Message, Does.Not.Contain(brandToken).And.Contain("***"));
    }

    [Test]
    public async Task Unreachable_IsTransientProviderExceptionAsync()
    {
        // A port bound but not listening: connections to it are refused, and while the socket is held no other server
        // (another test's, running at the same time) can take it, as it could a port a stopped server let go of.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}/");
        await using var provider = TestHost.Build(address, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "Nobody listens" }));

        Assert.That(ex!.IsTransient, Is.True);
        Assert.That(ex.ProviderErrorCode, Is.EqualTo("unreachable"));
    }

    [Test]
    public async Task BlankIdempotencyKey_IsRefusedBeforeAnythingIsSentAsync()
    {
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);

        var ex = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = "Keyed", IdempotencyKey = " " }));

        Assert.That(ex!.Field, Is.EqualTo("PostRequest.IdempotencyKey"));
        Assert.That(fake.Server.LogEntries, Is.Empty, "nothing may be sent");
    }

    [Test]
    public async Task MemberPost_IsPublishedWithTheMembersOwnTokenAsync()
    {
        var (member, memberToken) = fake.AddAccount("minji");
        await using var provider = TestHost.Build(fake.Url, brandToken);
        var connector = provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name);

        var post = await connector.PublishAsync(new PostRequest { Text = "My own words", Author = new SnsCredential(memberToken), Mentions = ["brand"] });

        Assert.That(post.AuthorSubject, Is.EqualTo(member.Id));
        Assert.That(post.Text, Is.EqualTo("@brand My own words"));
    }
}
