using System.Net;
using System.Text.Json;
using CoCreation.Sdk.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Http.Tests;

/// <summary>The shared HTTP layer: retries honouring Retry-After, rate-limit headers, error and transport mapping, options checks.</summary>
[TestFixture]
public sealed class HttpLayerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RetryAfter_429ThenOk_SendsExactlyTwoRequests()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/items").UsingGet()).InScenario("limit").WillSetStateTo("open")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        server.Given(Request.Create().WithPath("/items").UsingGet()).InScenario("limit").WhenStateIs("open")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("{\"id\":\"a\"}"));
        using var provider = Build(server.Url!, o => o.RetryBaseDelay = TimeSpan.FromMinutes(5));
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);

        using var response = await calls.SendAsync(new HttpCall("GET /items"), ct => Client(provider).GetAsync("items", ct), CancellationToken.None);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(server.LogEntries.Count(), Is.EqualTo(2), "one refusal, one retry");
    }

    [Test]
    public void RetryAfter_LongerThanMaxRetryAfter_IsLeftToTheCaller()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/items").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "120"));
        using var provider = Build(server.Url!);
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);

        var ex = Assert.ThrowsAsync<RateLimitedException>(() => calls.SendAsync(new HttpCall("GET /items"), ct => Client(provider).GetAsync("items", ct), CancellationToken.None));

        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(server.LogEntries.Count(), Is.EqualTo(1));
    }

    [Test]
    public void RetryDelay_IsTheServersWait_InSecondsOrAsADate()
    {
        using var seconds = Answer(HttpStatusCode.TooManyRequests, ("Retry-After", "7"));
        using var date = Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", Now.AddSeconds(20).ToString("R")));
        using var past = Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", Now.AddSeconds(-20).ToString("R")));
        using var none = Answer(HttpStatusCode.ServiceUnavailable);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(HttpAdapterResilience.RetryDelay(Outcome.FromResult(seconds), HttpRetryRules.Idempotent, Now), Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(HttpAdapterResilience.RetryDelay(Outcome.FromResult(date), HttpRetryRules.Idempotent, Now), Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(HttpAdapterResilience.RetryDelay(Outcome.FromResult(past), HttpRetryRules.Idempotent, Now), Is.EqualTo(TimeSpan.Zero));
            Assert.That(HttpAdapterResilience.RetryDelay(Outcome.FromResult(none), HttpRetryRules.Idempotent, Now), Is.Null, "no header: the pipeline's own back-off");
            Assert.That(HttpAdapterResilience.RetryDelay(Outcome.FromResult(seconds), new HttpRetryRules { HonourServerDelay = false }, Now), Is.Null);
        }
    }

    [Test]
    public async Task RetryPredicate_RepeatsOnlyWhatTheRulesAllow()
    {
        var options = new AcmeOptions { MaxRetryAfter = TimeSpan.FromSeconds(10) };
        var keyed = new HttpRetryRules { IsSafeToRepeat = HttpRetryRules.IdempotentOrKeyed("Idempotency-Key") };
        var refusals = new HttpRetryRules { IsRateLimitRefusal = (r, _) => ValueTask.FromResult(r.StatusCode == HttpStatusCode.Forbidden) };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Retries(HttpMethod.Get, HttpStatusCode.ServiceUnavailable, HttpRetryRules.Idempotent), Is.True);
            Assert.That(await Retries(HttpMethod.Get, HttpStatusCode.NotFound, HttpRetryRules.Idempotent), Is.False);
            Assert.That(await Retries(HttpMethod.Get, HttpStatusCode.TooManyRequests, HttpRetryRules.Idempotent, retryAfter: "60"), Is.False, "a long wait is the caller's");
            Assert.That(await Retries(HttpMethod.Post, HttpStatusCode.ServiceUnavailable, HttpRetryRules.Idempotent), Is.False);
            Assert.That(await Retries(HttpMethod.Post, HttpStatusCode.ServiceUnavailable, keyed, key: "k"), Is.True);
            Assert.That(await Retries(HttpMethod.Post, HttpStatusCode.Forbidden, refusals), Is.True, "a rate-limit refusal was not carried out");
            Assert.That(await Retries(HttpMethod.Get, HttpStatusCode.ServiceUnavailable, new HttpRetryRules { IsSafeToRepeat = HttpRetryRules.Marked(Safe) }), Is.False, "a request not marked safe");
        }

        async Task<bool> Retries(HttpMethod method, HttpStatusCode status, HttpRetryRules rules, string? key = null, string? retryAfter = null)
        {
            using var request = new HttpRequestMessage(method, "https://acme.test/items");
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            using var response = new HttpResponseMessage(status) { RequestMessage = request };
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            var context = ResilienceContextPool.Shared.Get();
            try
            {
                return await HttpAdapterResilience.ShouldRetryAsync(Outcome.FromResult(response), context, options, rules, Now);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }

    [Test]
    public void RateLimitHeaders_AreParsed_WithEitherNaming_AndUnixOrIsoResets()
    {
        using var x = Answer(HttpStatusCode.OK, ("X-RateLimit-Limit", "300"), ("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "2026-12-05T09:05:00.000Z"));
        using var draft = Answer(HttpStatusCode.OK, ("RateLimit-Limit", "100"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", Now.AddMinutes(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var partial = Answer(HttpStatusCode.OK, ("X-RateLimit-Limit", "300"), ("X-RateLimit-Remaining", "12"));
        using var garbage = Answer(HttpStatusCode.OK, ("X-RateLimit-Limit", "many"), ("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "2026-12-05T09:05:00Z"));
        using var resetOn429 = Answer(HttpStatusCode.TooManyRequests, ("X-RateLimit-Reset", "2026-12-05T09:00:12Z"));
        using var resetOn503 = Answer(HttpStatusCode.ServiceUnavailable, ("X-RateLimit-Reset", "2026-12-05T09:00:12Z"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(RateLimitHeaders.Read(x.Headers, RateLimitHeaderNames.XRateLimit), Is.EqualTo(new RateLimitInfo(300, 12, Now.AddMinutes(5))));
            Assert.That(RateLimitHeaders.Read(draft.Headers, RateLimitHeaderNames.RateLimit), Is.EqualTo(new RateLimitInfo(100, 0, Now.AddMinutes(1))));
            Assert.That(RateLimitHeaders.Read(draft.Headers, RateLimitHeaderNames.XRateLimit), Is.Null, "other names");
            Assert.That(RateLimitHeaders.Read(partial.Headers, RateLimitHeaderNames.XRateLimit), Is.Null);
            Assert.That(RateLimitHeaders.Read(garbage.Headers, RateLimitHeaderNames.XRateLimit), Is.Null);
            Assert.That(RateLimitHeaders.ReadServerDelay(resetOn429, Now, RateLimitHeaderNames.XRateLimit), Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(RateLimitHeaders.ReadServerDelay(resetOn503, Now, RateLimitHeaderNames.XRateLimit), Is.Null, "a reset only says how long to wait on a 429");
            Assert.That(RateLimitHeaders.ReadServerDelay(resetOn429, Now, null), Is.Null);
        }
    }

    [Test]
    public async Task Calls_RecordTheLatestRateLimit()
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);
        using var answer = Answer(HttpStatusCode.OK, ("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "9"), ("X-RateLimit-Reset", "1796461200"));

        using var response = await calls.SendAsync(new HttpCall("GET /items"), _ => Task.FromResult(answer), CancellationToken.None);

        Assert.That(calls.LastRateLimit, Is.EqualTo(new RateLimitInfo(10, 9, DateTimeOffset.FromUnixTimeSeconds(1796461200))));
    }

    private static IEnumerable<TestCaseData> ErrorAnswers()
    {
        yield return new TestCaseData(HttpStatusCode.Unauthorized, null, typeof(CredentialException)).SetName("401 is a refused credential");
        yield return new TestCaseData(HttpStatusCode.BadRequest, "InvalidToken", typeof(CredentialException)).SetName("a credential code is a refused credential");
        yield return new TestCaseData(HttpStatusCode.Forbidden, null, typeof(CredentialException)).SetName("403 is a forbidden credential");
        yield return new TestCaseData(HttpStatusCode.TooManyRequests, null, typeof(RateLimitedException)).SetName("429 is rate limited");
        yield return new TestCaseData(HttpStatusCode.BadRequest, "SlowDown", typeof(RateLimitedException)).SetName("a rate-limit code is rate limited");
        yield return new TestCaseData(HttpStatusCode.NotFound, null, typeof(ResourceNotFoundException)).SetName("404 of a named resource is not found");
        yield return new TestCaseData(HttpStatusCode.BadRequest, "RecordGone", typeof(ResourceNotFoundException)).SetName("a not-found code is not found");
    }

    [TestCaseSource(nameof(ErrorAnswers))]
    public void ErrorAnswers_MapToTheSdksExceptions(HttpStatusCode status, string? code, Type expected)
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);
        using var response = Answer(status);
        var body = code is null ? "" : JsonSerializer.Serialize(new { error = code, message = "no" });

        var ex = calls.MapError(new HttpCall("GET /items/{id}", "brand", "item", "42"), response, body);

        Assert.That(ex, Is.TypeOf(expected));
        Assert.That(ex, Is.AssignableTo<CoCreationException>());
    }

    [Test]
    public void ErrorAnswers_CarryStatusCodeAndTransience_WithoutSecrets()
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System, standingSecrets: ["standing-secret"]);
        using var unavailable = Answer(HttpStatusCode.ServiceUnavailable, ("Retry-After", "3"));
        using var notImplemented = Answer(HttpStatusCode.NotImplemented);
        using var invalid = Answer(HttpStatusCode.UnprocessableEntity);
        var call = new HttpCall("POST /items", "brand", Secrets: ["call-secret"]);

        var transient = (ProviderException)calls.MapError(call, unavailable, """{"error":"Busy","message":"try later"}""");
        var permanent = (ProviderException)calls.MapError(call, notImplemented, "<html>bad gateway</html>");
        var refused = (ProviderException)calls.MapError(call, invalid, """{"error":"Invalid","message":"token call-secret and standing-secret are wrong"}""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(transient.IsTransient, Is.True);
            Assert.That(transient.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(transient.ProviderErrorCode, Is.EqualTo("Busy"));
            Assert.That(transient.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(transient.Message, Does.Contain("Acme (acme) failed POST /items: Busy (try later)"));
            Assert.That(permanent.IsTransient, Is.False, "501 will not change on its own");
            Assert.That(permanent.ProviderErrorCode, Is.Null);
            Assert.That(refused.IsTransient, Is.False);
            Assert.That(refused.Message, Does.Contain("Invalid").And.Not.Contain("call-secret").And.Not.Contain("standing-secret"));
        }
    }

    [Test]
    public void ErrorProfile_SpecialMapping_ComesFirst()
    {
        var profile = new HttpErrorProfile("Acme")
        {
            ParseError = ParseAcme,
            MapSpecial = (provider, call, error) => error.Body.Code == "Expired" ? new CoCreationConflictException("expired") : null,
        };
        var calls = new HttpAdapterCalls("acme", profile, TimeProvider.System);
        using var response = Answer(HttpStatusCode.Unauthorized);

        Assert.That(calls.MapError(new HttpCall("GET /me"), response, """{"error":"Expired"}"""), Is.TypeOf<CoCreationConflictException>());
        Assert.That(calls.MapError(new HttpCall("GET /me"), response, """{"error":"Other"}"""), Is.TypeOf<CredentialException>());
    }

    private static IEnumerable<TestCaseData> TransportFailures()
    {
        yield return new TestCaseData(new TimeoutRejectedException("slow"), "timeout", true).SetName("a pipeline timeout");
        yield return new TestCaseData(new TaskCanceledException("timed out", new TimeoutException()), "timeout", true).SetName("an HttpClient timeout");
        yield return new TestCaseData(new BrokenCircuitException("open"), "circuit_open", true).SetName("an open circuit");
        yield return new TestCaseData(new InvalidOperationException("wrapper", new HttpRequestException("refused")), "unreachable", true).SetName("an unreachable server, wrapped");
        yield return new TestCaseData(new InvalidOperationException("bug"), null, false).SetName("anything else");
    }

    [TestCaseSource(nameof(TransportFailures))]
    public void TransportFailures_AreClassified(Exception failure, string? code, bool transient)
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);

        var ex = Assert.ThrowsAsync<ProviderException>(() => calls.SendAsync(new HttpCall("GET /items"), _ => Task.FromException<HttpResponseMessage>(failure), CancellationToken.None));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.ProviderErrorCode, Is.EqualTo(code));
            Assert.That(ex.IsTransient, Is.EqualTo(transient));
            Assert.That(ex.InnerException, Is.SameAs(failure));
            Assert.That(ex.Provider, Is.EqualTo("acme"));
        }
    }

    [Test]
    public void TransportFailures_LetAWrappedSdkExceptionThrough_AndTheCallersCancellation()
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);
        var refused = new CredentialException("acme", "refused");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var ex = Assert.ThrowsAsync<CredentialException>(() => calls.SendAsync(new HttpCall("GET /items"), _ => Task.FromException<HttpResponseMessage>(new HttpRequestException("wrapper", refused)), CancellationToken.None));
        Assert.That(ex, Is.SameAs(refused));
        Assert.CatchAsync<OperationCanceledException>(() => calls.SendAsync(new HttpCall("GET /items"), ct => Task.FromCanceled<HttpResponseMessage>(ct), cancelled.Token));
    }

    [Test]
    public async Task Json_ThatIsNotTheExpectedShape_IsMalformed()
    {
        var calls = new HttpAdapterCalls("acme", Profile, TimeProvider.System);
        using var good = Answer(HttpStatusCode.OK);
        good.Content = new StringContent("{\"Id\":\"a\"}");
        using var bad = Answer(HttpStatusCode.OK);
        bad.Content = new StringContent("<html>");

        var item = await calls.ReadJsonAsync(new HttpCall("GET /items"), good, TestJson.Default.Item, CancellationToken.None);
        var ex = Assert.ThrowsAsync<ProviderException>(() => calls.ReadJsonAsync(new HttpCall("GET /items"), bad, TestJson.Default.Item, CancellationToken.None));

        Assert.That(item.Id, Is.EqualTo("a"));
        Assert.That(ex!.ProviderErrorCode, Is.EqualTo("malformed_response"));
    }

    [Test]
    public void OptionsValidation_NamesTheBadOption_AndNeverTheSecret()
    {
        var options = new AcmeOptions { BaseAddress = new Uri("/relative", UriKind.Relative), ApiKey = " ", MaxRetryAttempts = 11, TotalRequestTimeout = TimeSpan.FromSeconds(1), MaxRetryAfter = TimeSpan.FromSeconds(-1) };
        var leaky = new AcmeOptions { BaseAddress = new Uri("ftp://acme.test/?key=secret-value"), ApiKey = "secret-value" };

        var result = new AcmeOptionsValidator().Validate("main", options);
        var leakyResult = new AcmeOptionsValidator().Validate("main", leaky);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.Failures, Has.Some.StartsWith("Acme adapter 'main': BaseAddress must be an absolute"));
            Assert.That(result.Failures, Has.Some.StartsWith("Acme adapter 'main': ApiKey is required"));
            Assert.That(result.Failures, Has.Some.StartsWith("Acme adapter 'main': MaxRetryAttempts must be between 0 and 10 (was 11)"));
            Assert.That(result.Failures, Has.Some.StartsWith("Acme adapter 'main': TotalRequestTimeout must be at least AttemptTimeout"));
            Assert.That(result.Failures, Has.Some.StartsWith("Acme adapter 'main': MaxRetryAfter must not be negative"));
            Assert.That(leakyResult.Failures, Has.Some.Contains("BaseAddress"));
            Assert.That(leakyResult.FailureMessage, Does.Not.Contain("secret-value"));
            Assert.That(new AcmeOptionsValidator().Validate("main", new AcmeOptions { BaseAddress = new Uri("https://acme.test/"), ApiKey = "k" }).Succeeded, Is.True);
        }
    }

    [Test]
    public void ThrowIfInvalid_ListsEveryFailure_AndAcceptsValidOptions()
    {
        var validator = new AcmeOptionsValidator();

        var ex = Assert.Throws<OptionsValidationException>(() => validator.ThrowIfInvalid("main", new AcmeOptions { MaxRetryAttempts = 11 }));
        var unnamed = Assert.Throws<OptionsValidationException>(() => validator.ThrowIfInvalid(null, new AcmeOptions()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.OptionsName, Is.EqualTo("main"));
            Assert.That(ex.OptionsType, Is.EqualTo(typeof(AcmeOptions)));
            Assert.That(ex.Failures, Has.Some.Contains("BaseAddress is required"));
            Assert.That(ex.Failures, Has.Some.Contains("MaxRetryAttempts must be between 0 and 10"));
            Assert.That(unnamed!.OptionsName, Is.Empty);
            Assert.DoesNotThrow(() => validator.ThrowIfInvalid("main", new AcmeOptions { BaseAddress = new Uri("https://acme.test/"), ApiKey = "k" }));
        }
    }

    [Test]
    public void Registration_ValidatesOnResolve_AndRefusesADuplicateName()
    {
        var builder = new TestBuilder();
        builder.AddHttpAdapter<AcmeOptions, AcmeOptionsValidator>(ProviderKind.Enterprise, "main", "Acme", HttpAdapterBuilderExtensions.ConfigureWith<AcmeOptions>(o => o.ApiKey = "k"));
        builder.Services.Add(ServiceDescriptor.Singleton(new ProviderRegistration(ProviderKind.Enterprise, "main")));
        using var provider = builder.Services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<AcmeOptions>>().Get("main"));
        Assert.That(ex!.Message, Does.Contain("BaseAddress is required"));
        var registered = builder.Services.Count;
        Assert.Throws<CoCreationValidationException>(() => builder.AddHttpAdapter<AcmeOptions, AcmeOptionsValidator>(ProviderKind.Enterprise, "main", "Acme", HttpAdapterBuilderExtensions.ConfigureWith<AcmeOptions>(_ => { })));
        Assert.That(builder.Services, Has.Count.EqualTo(registered), "a refused duplicate registers nothing");
    }

    private static readonly HttpRequestOptionsKey<bool> Safe = new("safe");

    private static readonly HttpErrorProfile Profile = new("Acme")
    {
        ParseError = ParseAcme,
        RateLimitHeaders = RateLimitHeaderNames.XRateLimit,
        RateLimitCodes = new HashSet<string>(StringComparer.Ordinal) { "SlowDown" },
        CredentialCodes = new HashSet<string>(StringComparer.Ordinal) { "InvalidToken" },
        NotFoundCodes = new HashSet<string>(StringComparer.Ordinal) { "RecordGone" },
    };

    private static ProviderErrorBody ParseAcme(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return new ProviderErrorBody(
                root.TryGetProperty("error", out var error) ? error.GetString() : null,
                root.TryGetProperty("message", out var message) ? message.GetString() : null);
        }
        catch (JsonException)
        {
            return ProviderErrorBody.None;
        }
    }

    private static ServiceProvider Build(string url, Action<AcmeOptions>? configure = null)
    {
        var builder = new TestBuilder();
        var adapter = builder.AddHttpAdapter<AcmeOptions, AcmeOptionsValidator>(
            ProviderKind.Enterprise,
            "main",
            "Acme",
            HttpAdapterBuilderExtensions.ConfigureWith<AcmeOptions>(o =>
            {
                o.BaseAddress = new Uri(url + "/");
                o.ApiKey = "k";
                configure?.Invoke(o);
            }));
        adapter.AddHttpClient(o => o.BaseAddress, new HttpRetryRules { RateLimitHeaders = RateLimitHeaderNames.XRateLimit });
        builder.Services.AddSingleton(adapter);
        return builder.Services.BuildServiceProvider();
    }

    private static HttpClient Client(IServiceProvider provider) => provider.GetRequiredService<HttpAdapterBuilder<AcmeOptions>>().CreateClient(provider);

    private static HttpResponseMessage Answer(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private sealed class TestBuilder : ICoCreationBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();
    }
}

public sealed class AcmeOptions : HttpAdapterOptions
{
    public Uri? BaseAddress { get; set; }

    public string? ApiKey { get; set; }
}

public sealed class AcmeOptionsValidator : AdapterOptionsValidator<AcmeOptions>
{
    protected override string AdapterKind => "Acme adapter";

    protected override void Check(AcmeOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.BaseAddress, nameof(options.BaseAddress), example: "https://acme.test/");
        failures.RequireValue(options.ApiKey, nameof(options.ApiKey), "the API key");
    }
}

public sealed record Item(string Id);

[System.Text.Json.Serialization.JsonSerializable(typeof(Item))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
