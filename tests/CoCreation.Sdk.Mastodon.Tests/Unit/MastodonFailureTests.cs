using System.Globalization;
using System.Net;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using WireMock;

namespace CoCreation.Sdk.Mastodon.Tests.Unit;

/// <summary>
/// Rate limits, server errors, timeouts, refused tokens, unknown ids and malformed bodies: each ends in the typed
/// exception or a successful retry, and the number of requests the server saw proves there was no retry storm.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class MastodonFailureTests
{
    private const string Poll = "/api/v1/polls/{id}";
    private const string Statuses = "/api/v1/statuses";

    private FakeMastodon fake = null!;
    private ServiceProvider provider = null!;
    private CollectingLoggerProvider logs = null!;
    private MastodonConnector connector = null!;
    private string brandToken = null!;
    private FakeAccount member = null!;
    private string memberToken = null!;
    private string pollId = null!;

    [OneTimeSetUp]
    public void StartInstance() => fake = new FakeMastodon();

    [OneTimeTearDown]
    public void StopInstance() => fake.Dispose();

    [SetUp]
    public async Task SetUpAsync()
    {
        fake.Reset(content: true);
        (_, brandToken) = fake.AddAccount("fashionbrand");
        (member, memberToken) = fake.AddAccount("minji");
        logs = new CollectingLoggerProvider();
        provider = MastodonTestHost.Build(fake, brandToken, o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300), logs);
        connector = provider.Connector();
        pollId = (await connector.CreatePollAsync(new PollRequest { Question = "Which?", Options = ["a", "b"], Duration = TimeSpan.FromDays(1) })).Id;
        fake.Reset();
    }

    [TearDown]
    public void TearDown()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MastodonSpec.Check(fake.WaitForLog()), Is.Empty, "requests and (not deliberately broken) responses fit the spec");
            Assert.That(logs.Lines.Where(l => l.Contains(brandToken, StringComparison.Ordinal) || l.Contains(memberToken, StringComparison.Ordinal)), Is.Empty, "no token in any log line");
        }

        provider.Dispose();
    }

    [Test]
    public async Task RateLimited_WithShortRetryAfter_IsRetriedOnceAndSucceedsAsync()
    {
        fake.Intercept("GET", Poll, (_, attempt) => Task.FromResult(attempt == 1 ? RateLimited(TimeSpan.FromSeconds(1), retryAfter: true) : null));

        var results = await connector.GetPollResultsAsync(pollId);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.PollId, Is.EqualTo(pollId));
            Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(2), "one 429, one retry after the server's wait");
            Assert.That(connector.LastRateLimit, Is.Not.Null.And.Property(nameof(RateLimitInfo.Limit)).EqualTo(300));
        }
    }

    [Test]
    public void RateLimited_WithLongReset_FailsAtOnceWithTheRateLimit()
    {
        var reset = DateTimeOffset.UtcNow.AddMinutes(2);
        fake.Intercept("GET", Poll, (_, _) => Task.FromResult(RateLimited(reset - DateTimeOffset.UtcNow, retryAfter: false, reset)));

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => connector.GetPollResultsAsync(pollId));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(1), "a wait longer than MaxRetryAfter is left to the caller");
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.RetryAfter, Is.GreaterThan(TimeSpan.FromSeconds(100)).And.LessThanOrEqualTo(TimeSpan.FromSeconds(121)), "RetryAfter comes from X-RateLimit-Reset");
            Assert.That(ex.RateLimit, Is.Not.Null);
            Assert.That(ex.RateLimit!.Limit, Is.EqualTo(300));
            Assert.That(ex.RateLimit.Remaining, Is.Zero);
            Assert.That(ex.RateLimit.ResetsAt, Is.EqualTo(reset).Within(TimeSpan.FromSeconds(1)));
        }
    }

    [Test]
    public void RateLimited_PostWithoutIdempotencyKey_IsNotRetried()
    {
        fake.Intercept("POST", Statuses, (_, _) => Task.FromResult(RateLimited(TimeSpan.FromSeconds(1), retryAfter: true)));

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => connector.PublishAsync(new PostRequest { Text = "no key" }));

        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1));
    }

    [Test]
    public async Task ServerErrorBurst_OnARead_IsRetriedUntilItSucceedsAsync()
    {
        fake.Intercept("GET", Poll, (_, attempt) => Task.FromResult(attempt <= 2 ? Unavailable() : null));

        var results = await connector.GetPollResultsAsync(pollId);

        Assert.That(results.Options, Has.Count.EqualTo(2));
        Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(3), "two 503s, then success");
    }

    [Test]
    public void ServerErrorBurst_ThatOutlastsTheRetries_IsATransientProviderException()
    {
        fake.Intercept("GET", Poll, (_, _) => Task.FromResult(Unavailable()));

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.GetPollResultsAsync(pollId));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ex.Message, Does.Contain("Mastodon is down for maintenance"));
            Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(3), "one attempt and MaxRetryAttempts (2) retries, no more");
        }
    }

    [Test]
    public void ServerError_OnAPostWithoutIdempotencyKey_IsSentOnce()
    {
        fake.Intercept("POST", Statuses, (_, _) => Task.FromResult(Unavailable()));

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "keyless" }));

        Assert.That(ex!.IsTransient, Is.True);
        Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1), "a post without a key may not be repeated");
    }

    [Test]
    public async Task ServerError_OnAPostWithIdempotencyKey_IsRetriedAndPostedOnceAsync()
    {
        fake.Intercept("POST", Statuses, (_, attempt) => Task.FromResult(attempt == 1 ? Unavailable() : null));

        var post = await connector.PublishAsync(new PostRequest { Text = "keyed post", IdempotencyKey = "relay-42" });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.Text, Is.EqualTo("keyed post"));
            Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(2));
            Assert.That(fake.StatusTexts().Count(t => t == "keyed post"), Is.EqualTo(1));
            Assert.That(fake.WaitForLog().Where(e => e.RequestMessage.Method == "POST").Select(e => e.RequestMessage.Headers!["Idempotency-Key"].Single()), Is.All.EqualTo("relay-42"));
        }
    }

    [Test]
    public void Timeout_OnARead_IsRetriedThenATransientProviderException()
    {
        fake.Intercept("GET", Poll, async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            return null;
        });

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.GetPollResultsAsync(pollId));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("timeout"));
            Assert.That(ex.Message, Does.Contain("GET /api/v1/polls/{id}"));
            Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(3), "each attempt timed out; no more than MaxRetryAttempts retries");
        }
    }

    [Test]
    public void Timeout_OnAPostWithoutIdempotencyKey_IsSentOnce()
    {
        fake.Intercept("POST", Statuses, async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            return FakeMastodon.Error(503, "late");
        });

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "slow" }));

        Assert.That(ex!.ProviderErrorCode, Is.EqualTo("timeout"));
        Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1));
    }

    [Test]
    public void ExpiredMemberToken_IsACredentialExceptionWithoutTheToken()
    {
        fake.ExpireToken(memberToken);

        var ex = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(new SnsCredential(memberToken)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("member access token").And.Contain("The access token expired"));
            Assert.That(ex.ToString(), Does.Not.Contain(memberToken));
            Assert.That(fake.RequestsTo("GET", "/api/v1/accounts/verify_credentials"), Is.EqualTo(1), "a 401 is not retried");
        }
    }

    [Test]
    public void RevokedBrandToken_IsACredentialExceptionWithoutTheToken()
    {
        fake.RevokeToken(brandToken);

        var ex = Assert.ThrowsAsync<Sdk.Health.ReauthorizationRequiredException>(() => connector.PublishAsync(new PostRequest { Text = "hello" }));

        Assert.That(ex!.Message, Does.Contain("brand access token").And.Not.Contain(brandToken));
        Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1));
    }

    [Test]
    public void UnknownPoll_IsResourceNotFound()
    {
        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.GetPollResultsAsync("109999"));

        Assert.That((ex!.ResourceKind, ex.ResourceId), Is.EqualTo(("poll", "109999")));
        Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(1));
    }

    [Test]
    public void UnknownStatus_IsResourceNotFound_ForRepliesAndReplyTargets()
    {
        var replies = Assert.ThrowsAsync<ResourceNotFoundException>(async () =>
        {
            await foreach (var _ in connector.GetRepliesAsync("108888"))
            {
            }
        });
        var reply = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.PublishAsync(new PostRequest { Text = "re", InReplyToId = "107777" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((replies!.ResourceKind, replies.ResourceId), Is.EqualTo(("post", "108888")));
            Assert.That((reply!.ResourceKind, reply.ResourceId), Is.EqualTo(("post", "107777")));
            Assert.That(fake.RequestsTo("GET", "/api/v1/statuses/{id}/context"), Is.EqualTo(1));
            Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1));
        }
    }

    [Test]
    public void UnknownDirectMessageRecipient_IsResourceNotFound_AndNothingIsPosted()
    {
        var ex = Assert.ThrowsAsync<ResourceNotFoundException>(() => connector.SendDirectMessageAsync(new DirectMessageRequest { RecipientSubject = "106666", Text = "hi" }));

        Assert.That((ex!.ResourceKind, ex.ResourceId), Is.EqualTo(("account", "106666")));
        Assert.That(fake.RequestsTo("POST", Statuses), Is.Zero);
    }

    [Test]
    public void MalformedJson_IsAProviderExceptionNamingTheOperation()
    {
        fake.Intercept("GET", Poll, (_, _) => Task.FromResult<IResponseMessage?>(FakeMastodon.Malformed()));

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.GetPollResultsAsync(pollId));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain("GET /api/v1/polls/{id}").And.Contain("not the expected JSON"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("malformed_response"));
            Assert.That(fake.RequestsTo("GET", Poll), Is.EqualTo(1), "a malformed body is not retried");
        }
    }

    [Test]
    public void ValidationError_IsANonTransientProviderExceptionWithMastodonsText()
    {
        fake.Intercept("POST", Statuses, (_, _) => Task.FromResult<IResponseMessage?>(FakeMastodon.Error(422, "Validation failed: Text character limit of 500 exceeded")));

        var ex = Assert.ThrowsAsync<ProviderException>(() => connector.PublishAsync(new PostRequest { Text = "fits here, not there", IdempotencyKey = "k-9" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.Message, Does.Contain("Validation failed: Text character limit of 500 exceeded"));
            Assert.That(fake.RequestsTo("POST", Statuses), Is.EqualTo(1), "a 422 is not retried, even with a key");
        }
    }

    [Test]
    public void BadRequest_IsANonTransientProviderExceptionWithMastodonsCode()
    {
        fake.Intercept("POST", "/oauth/token", (_, _) => Task.FromResult<IResponseMessage?>(FakeMastodon.Error(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")));
        var oauth = provider.GetRequiredKeyedService<MastodonOAuth>(MastodonTestHost.Name);

        var ex = Assert.ThrowsAsync<ProviderException>(() => oauth.ExchangeCodeAsync(new MastodonApplication("client-1", "secret-1"), "code-1", MastodonOAuth.OutOfBandRedirectUri, "verifier-1"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.ProviderErrorCode, Is.EqualTo("unsupported_grant_type"));
            Assert.That(ex.Message, Does.Contain("not supported by the authorization server").And.Not.Contain("secret-1"));
            Assert.That(fake.RequestsTo("POST", "/oauth/token"), Is.EqualTo(1));
        }
    }

    [Test]
    public async Task ErrorTextThatEchoesAToken_IsRedactedAsync()
    {
        fake.Intercept("GET", "/api/v1/accounts/verify_credentials", (_, attempt) => Task.FromResult<IResponseMessage?>(attempt == 1 ? FakeMastodon.Error(401, $"Token {memberToken} is not valid") : null));

        var ex = Assert.ThrowsAsync<CredentialException>(() => connector.VerifyCredentialsAsync(new SnsCredential(memberToken)));

        Assert.That(ex!.Message, Does.Not.Contain(memberToken).And.Contain("Token *** is not valid"));
        var identity = await connector.GetBrandIdentityAsync();
        Assert.That(identity.Handle, Is.EqualTo("fashionbrand@fashion.test"));
    }

    private static IResponseMessage? RateLimited(TimeSpan wait, bool retryAfter, DateTimeOffset? reset = null)
    {
        var response = FakeMastodon.Error(429, "Too many requests");
        response.AddHeader("X-RateLimit-Limit", "300");
        response.AddHeader("X-RateLimit-Remaining", "0");
        response.AddHeader("X-RateLimit-Reset", (reset ?? DateTimeOffset.UtcNow + wait).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (retryAfter)
        {
            response.AddHeader("Retry-After", ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }

        return response;
    }

    private static IResponseMessage? Unavailable() => FakeMastodon.Error(503, "Mastodon is down for maintenance");

}
