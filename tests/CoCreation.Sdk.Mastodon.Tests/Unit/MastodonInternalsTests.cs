using System.Net;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Mastodon.Implementation;
using Polly;

namespace CoCreation.Sdk.Mastodon.Tests.Unit;

/// <summary>Header parsing, text rules and the retry predicate, without a server.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MastodonInternalsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void RateLimitHeaders_AreParsed_FromIsoOrUnixResets()
    {
        using var iso = Response(HttpStatusCode.OK, ("X-RateLimit-Limit", "300"), ("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "2026-11-28T09:05:00.000Z"));
        using var unix = Response(HttpStatusCode.OK, ("X-RateLimit-Limit", "300"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Now.AddMinutes(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var partial = Response(HttpStatusCode.OK, ("X-RateLimit-Limit", "300"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(RateLimitHeaders.Read(iso.Headers, RateLimitHeaderNames.XRateLimit), Is.EqualTo(new RateLimitInfo(300, 12, Now.AddMinutes(5))));
            Assert.That(RateLimitHeaders.Read(unix.Headers, RateLimitHeaderNames.XRateLimit), Is.EqualTo(new RateLimitInfo(300, 0, Now.AddMinutes(1))));
            Assert.That(RateLimitHeaders.Read(partial.Headers, RateLimitHeaderNames.XRateLimit), Is.Null);
        }
    }

    [Test]
    public void ServerDelay_PrefersRetryAfter_ThenTheRateLimitResetOnA429()
    {
        using var delta = Response(HttpStatusCode.ServiceUnavailable, ("Retry-After", "7"));
        using var date = Response(HttpStatusCode.TooManyRequests, ("Retry-After", Now.AddSeconds(20).ToString("R")), ("X-RateLimit-Reset", "2026-11-28T09:05:00Z"));
        using var reset = Response(HttpStatusCode.TooManyRequests, ("X-RateLimit-Reset", "2026-11-28T09:00:12Z"));
        using var resetOn503 = Response(HttpStatusCode.ServiceUnavailable, ("X-RateLimit-Reset", "2026-11-28T09:00:12Z"));
        using var past = Response(HttpStatusCode.TooManyRequests, ("X-RateLimit-Reset", "2026-11-28T08:00:00Z"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(MastodonHttp.RetryRules.ServerDelay(delta, Now), Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(MastodonHttp.RetryRules.ServerDelay(date, Now), Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(MastodonHttp.RetryRules.ServerDelay(reset, Now), Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(MastodonHttp.RetryRules.ServerDelay(resetOn503, Now), Is.Null, "a reset only says how long to wait on a 429");
            Assert.That(MastodonHttp.RetryRules.ServerDelay(past, Now), Is.EqualTo(TimeSpan.Zero));
        }
    }

    [Test]
    public void LinkHeader_ParametersAreReadByRelation()
    {
        using var response = Response(HttpStatusCode.OK, ("Link", "<https://fashion.social/api/v1/notifications?max_id=109&types[]=mention>; rel=\"next\", <https://fashion.social/api/v1/notifications?min_id=120>; rel=\"prev\""));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(MastodonHeaders.ReadLinkParameter(response.Headers, "next", "max_id"), Is.EqualTo("109"));
            Assert.That(MastodonHeaders.ReadLinkParameter(response.Headers, "prev", "min_id"), Is.EqualTo("120"));
            Assert.That(MastodonHeaders.ReadLinkParameter(response.Headers, "prev", "max_id"), Is.Null);
            Assert.That(MastodonHeaders.ReadLinkParameter(response.Headers, "last", "max_id"), Is.Null);
        }
    }

    [Test]
    public void Html_BecomesTheTextPeopleRead()
    {
        const string html = "<p>Hello <span class=\"h-card\"><a href=\"https://fashion.social/@minji\" class=\"u-url mention\">@<span>minji</span></a></span> &amp; friends<br />line two</p><p>para &lt;3 &#39;x&#39;</p>";

        Assert.That(MastodonText.ToPlainText(html), Is.EqualTo("Hello @minji & friends\nline two\n\npara <3 'x'"));
        Assert.That(MastodonText.ToPlainText(null), Is.Empty);
    }

    [Test]
    public void Mentions_AreAddedOnce_AndRemoteDomainsDoNotCount()
    {
        var (text, added) = MastodonText.WithMentions("hello @minji", ["minji", "@jun@other.social", "jun@other.social", " "]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Is.EqualTo("@jun@other.social hello @minji"));
            Assert.That(added, Is.EqualTo(new[] { "jun@other.social" }));
            Assert.That(MastodonText.CountedLength("@jun@other.social hi"), Is.EqualTo("@jun hi".Length));
            Assert.That(MastodonText.WithMentions("hi @minjikim", ["minji"]).Text, Is.EqualTo("@minji hi @minjikim"), "a longer handle is not the same mention");
        }
    }

    [Test]
    public void Ids_AreOrderedAsSnowflakes()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MastodonText.CompareIds("99", "100"), Is.Negative);
            Assert.That(MastodonText.CompareIds("110000000000000123", "110000000000000122"), Is.Positive);
            Assert.That(MastodonText.CompareIds("abc", "abd"), Is.Negative);
            Assert.That(MastodonText.Handle("minji", "fashion.social"), Is.EqualTo("minji@fashion.social"));
            Assert.That(MastodonText.Handle("jun@other.social", "fashion.social"), Is.EqualTo("jun@other.social"));
        }
    }

    [Test]
    public void RetryPredicate_RepeatsOnlyWhatIsSafe_AndLeavesLongWaitsToTheCaller()
    {
        var options = new MastodonOptions { MaxRetryAfter = TimeSpan.FromSeconds(10) };
        bool Retries(HttpMethod method, HttpStatusCode status, string? key = null, string? retryAfter = null)
        {
            var request = new HttpRequestMessage(method, "https://fashion.social/api/v1/statuses");
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            var response = new HttpResponseMessage(status) { RequestMessage = request };
            if (retryAfter is not null)
            {
                response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            }

            var context = ResilienceContextPool.Shared.Get();
            try
            {
                return HttpAdapterResilience.ShouldRetryAsync(Outcome.FromResult(response), context, options, MastodonHttp.RetryRules, Now).AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
                response.Dispose();
                request.Dispose();
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Retries(HttpMethod.Get, HttpStatusCode.ServiceUnavailable), Is.True);
            Assert.That(Retries(HttpMethod.Get, HttpStatusCode.TooManyRequests, retryAfter: "3"), Is.True);
            Assert.That(Retries(HttpMethod.Get, HttpStatusCode.TooManyRequests, retryAfter: "60"), Is.False, "a long wait is the caller's");
            Assert.That(Retries(HttpMethod.Get, HttpStatusCode.NotFound), Is.False);
            Assert.That(Retries(HttpMethod.Get, HttpStatusCode.UnprocessableEntity), Is.False);
            Assert.That(Retries(HttpMethod.Post, HttpStatusCode.ServiceUnavailable), Is.False, "a post without a key is never repeated");
            Assert.That(Retries(HttpMethod.Post, HttpStatusCode.ServiceUnavailable, key: "k"), Is.True);
            Assert.That(Retries(HttpMethod.Post, HttpStatusCode.BadGateway, key: "k"), Is.True);
        }
    }

    private static HttpResponseMessage Response(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
