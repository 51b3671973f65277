using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests;

/// <summary>Which limit the relay applies to a connector, and the bucket a limit becomes.</summary>
[TestFixture]
[Category("Unit")]
public sealed class RelayRateLimitSettingsTests
{
    [TestCase("mastodon", 300, 300)]
    [TestCase("bluesky", 1666, 3600)]
    public void A_connector_of_a_network_with_a_published_limit_gets_it_unless_configured(string network, int requests, int windowSeconds)
    {
        var connector = new StubConnector(network);
        var options = new RelayOptions();

        Assert.That(RelayRateLimits.LimitOf(options, connector, "brand"), Is.EqualTo(new SnsRateLimit(requests, TimeSpan.FromSeconds(windowSeconds))));

        options.RateLimits["brand"] = new SnsRateLimit(10, TimeSpan.FromMinutes(1));
        Assert.That(RelayRateLimits.LimitOf(options, connector, "brand"), Is.EqualTo(new SnsRateLimit(10, TimeSpan.FromMinutes(1))), "a configured limit wins");

        options.RateLimits.Clear();
        options.UsePublishedRateLimits = false;
        Assert.That(RelayRateLimits.LimitOf(options, connector, "brand"), Is.Null, "published limits can be turned off");
    }

    [Test]
    public void A_connector_of_an_unknown_network_has_no_limit_unless_configured()
    {
        Assert.That(RelayRateLimits.LimitOf(new RelayOptions(), new StubConnector("embedded"), "brand"), Is.Null);
    }

    [TestCase(301, 300, 1, 1, 1000)]
    [TestCase(300, 299, 1, 1, 1000)]
    [TestCase(5, 10, 1, 1, 2500)]
    [TestCase(10, 60, 4, 4, 10_000)]
    [TestCase(1, 60, 1, 1, 60_000)]
    public void A_limit_becomes_a_bucket_that_never_passes_the_limit_in_any_window(int requests, int windowSeconds, int burst, int capacity, int intervalMilliseconds)
    {
        var limit = new SnsRateLimit(requests, TimeSpan.FromSeconds(windowSeconds)) { Burst = burst };

        var bucket = limit.ToBucket();

        Assert.That(bucket, Is.EqualTo(new RateLimitBucket(capacity, TimeSpan.FromMilliseconds(intervalMilliseconds))));
        if (requests > 1)
        {
            // The burst plus the tokens gained over one window: the limit, or one less where the interval was rounded up.
            Assert.That(bucket.Capacity + (limit.Window.Ticks / bucket.RefillInterval.Ticks), Is.InRange(requests - 1, requests));
        }
    }

    [Test]
    public void The_bucket_is_per_network_instance_and_connector()
    {
        var a = RelayRateLimits.BucketOf(new StubConnector("mastodon", "social.example"), "brand-a");
        var b = RelayRateLimits.BucketOf(new StubConnector("mastodon", "social.example"), "brand-b");
        var c = RelayRateLimits.BucketOf(new StubConnector("mastodon", "other.example"), "brand-a");

        Assert.That(new[] { a, b, c }, Is.Unique);
        Assert.That(RelayRateLimits.BucketOf(new StubConnector("mastodon", new string('x', 300)), "brand").Length, Is.LessThanOrEqualTo(RateLimitBuckets.MaxNameLength));
    }

    [TestCase(0, 60)]
    [TestCase(120, 60)]
    public void The_wait_is_kept_within_a_tenth_of_the_lease(int maxWaitSeconds, int leaseSeconds)
    {
        var options = new RelayOptions { MaxRateLimitWait = TimeSpan.FromSeconds(maxWaitSeconds), LeaseDuration = TimeSpan.FromSeconds(leaseSeconds) };

        var expected = TimeSpan.FromSeconds(Math.Min(maxWaitSeconds, leaseSeconds / 10.0));
        Assert.That(RelayRateLimits.MaxWait(options), Is.EqualTo(expected));
    }

    private sealed class StubConnector(string network, string? instance = null) : SnsConnectorBase
    {
        public override SnsConnectorMetadata Metadata { get; } = new("brand", network, instance, "stub");

        public override SnsCapabilities Capabilities { get; } = new() { MaxPostLength = 500 };

        protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
            => throw new NotSupportedException();

        protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
            => throw new NotSupportedException();
    }
}
