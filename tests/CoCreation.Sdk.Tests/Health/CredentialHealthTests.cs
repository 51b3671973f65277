using CoCreation.Sdk.Health;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Tests.Health;

/// <summary>The monitor's transitions, the admin alert through the relay, and the single-flight refresher.</summary>
[TestFixture]
public sealed class CredentialHealthTests
{
    private const string Secret = "refresh-secret-never-shown";
    private static readonly CredentialRef Bluesky = new("bsky", "bluesky", "brand.example");

    [Test]
    public async Task NeedsReauth_IsRelayedToEachAdminOncePerTransition_AndRecoveryAllowsTheNextAlertAsync()
    {
        string[] admins = [];
        await using var h = new SdkHarness(build: b => b.AddCredentialHealthAlerts(new RecipientSelector((_, _, _) => Task.FromResult<IReadOnlyList<string>>(admins))));
        var ann = await h.SignInNewAsync("ann", "en-US");
        var bo = await h.SignInNewAsync("bo", "ko-KR");
        admins = [ann.ParticipantId, bo.ParticipantId];
        var reporter = h.Services.GetRequiredService<ICredentialHealthReporter>();
        var health = h.Services.GetRequiredService<ICredentialHealth>();

        await reporter.ReportHealthyAsync(Bluesky);
        for (var i = 0; i < 5; i++)
        {
            await reporter.ReportNeedsReauthAsync(Bluesky, "the refresh token was revoked");
        }

        var annInbox = h.SocialSns.InboxOf("ann").Select(m => m.Text).ToList();
        var boInbox = h.SocialSns.InboxOf("bo").Select(m => m.Text).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(health.Find("bsky", "brand.example")?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(health.Find("bsky", "brand.example")!.Since, Is.EqualTo(SdkHarness.Start));
            Assert.That(annInbox, Is.EqualTo(new[] { "[Re-authorisation needed] The bluesky account brand.example (connection 'bsky') is no longer authorised: the refresh token was revoked. Sign in to that account again or issue a new token and put it in the settings." }));
            Assert.That(boInbox, Has.Count.EqualTo(1));
            Assert.That(boInbox[0], Does.StartWith("[계정 재인증 필요] bluesky 계정 brand.example"));
        }

        // Re-authorised, then refused again later: a new transition, a new alert.
        await reporter.ReportHealthyAsync(Bluesky);
        Assert.That(health.GetNeedingReauth(), Is.Empty);
        h.Clock.Advance(TimeSpan.FromDays(1));
        await reporter.ReportNeedsReauthAsync(Bluesky, "the refresh token expired");

        Assert.That(h.SocialSns.InboxOf("ann").Select(m => m.Text).Last(), Does.Contain("the refresh token expired"));
        Assert.That(h.SocialSns.InboxOf("ann"), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ConcurrentReports_RaiseOneEventAsync()
    {
        var observer = new CountingObserver();
        await using var h = new SdkHarness(build: b => b.Services.AddSingleton<ICredentialHealthObserver>(observer));
        var reporter = h.Services.GetRequiredService<ICredentialHealthReporter>();

        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => reporter.ReportNeedsReauthAsync(Bluesky, "refused"))));

        Assert.That(observer.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task AFailingObserver_DoesNotFailTheReport_AndIsLoggedWithoutSecretsAsync()
    {
        using var logs = new CollectingLoggerProvider();
        await using var h = new SdkHarness(build: b =>
        {
            b.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            b.Services.AddSingleton<ICredentialHealthObserver>(new ThrowingObserver());
        });
        var reporter = h.Services.GetRequiredService<ICredentialHealthReporter>();

        await reporter.ReportNeedsReauthAsync(Bluesky, "refused");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(h.Services.GetRequiredService<ICredentialHealth>().Find("bsky", "brand.example")?.State, Is.EqualTo(CredentialState.NeedsReauth));
            Assert.That(logs.Lines, Has.Some.Contains("observer failed"));
            Assert.That(logs.Lines, Has.None.Contains(Secret));
        }
    }

    [Test]
    public void AlertRegistration_RefusesNoAdminsAndBlankIds()
    {
        var services = new ServiceCollection();
        var builder = services.AddCoCreation();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Assert.Throws<CoCreationValidationException>(() => builder.AddCredentialHealthAlerts())!.Field, Is.EqualTo("adminParticipantIds"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => builder.AddCredentialHealthAlerts("p-1", " "))!.Field, Is.EqualTo("adminParticipantIds"));
        }

        builder.AddCredentialHealthAlerts("p-1");
        Assert.Throws<CoCreationValidationException>(() => builder.AddCredentialHealthAlerts("p-2"), "a second set of alerts would send each one twice");
    }

    [Test]
    public void ReauthorizationRequired_IsACredentialException_NamingTheCredential()
    {
        var ex = new ReauthorizationRequiredException(Bluesky, "revoked", "The brand account needs authorising again.");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex, Is.InstanceOf<CredentialException>());
            Assert.That(ex.Provider, Is.EqualTo("bsky"));
            Assert.That(ex.Credential, Is.EqualTo(Bluesky));
            Assert.That(ex.Reason, Is.EqualTo("revoked"));
        }
    }

    [Test]
    public async Task Refresher_ConcurrentCallersWithTheSameStaleValue_ShareOneRefreshAndStoreItOnceAsync()
    {
        var refresher = new SingleFlightRefresher<Token>();
        var stale = new Token("r0");
        refresher.Set("acct", stale);
        var release = new TaskCompletionSource();
        var refreshes = 0;
        async Task<Token> Refresh(Token? from, CancellationToken ct)
        {
            Interlocked.Increment(ref refreshes);
            await release.Task;
            return new Token(from!.Refresh + "+");
        }

        var callers = Enumerable.Range(0, 16).Select(_ => refresher.GetOrRefreshAsync("acct", stale, Refresh)).ToArray();
        release.SetResult();
        var results = await Task.WhenAll(callers);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refreshes, Is.EqualTo(1));
            Assert.That(results.Distinct().Count(), Is.EqualTo(1), "every caller got the same renewed value");
            Assert.That(refresher.GetCurrent("acct"), Is.SameAs(results[0]));
            Assert.That(results[0].Refresh, Is.EqualTo("r0+"));
        }

        // A caller holding the renewed value gets it back without a refresh; one holding the old one too.
        Assert.That(await refresher.GetOrRefreshAsync("acct", stale, Refresh), Is.SameAs(results[0]));
        Assert.That(refreshes, Is.EqualTo(1));
    }

    [Test]
    public async Task Refresher_AFailedRefreshReachesEveryWaiter_AndIsNotKeptAsync()
    {
        var refresher = new SingleFlightRefresher<Token>();
        var release = new TaskCompletionSource();
        var attempts = 0;
        async Task<Token> Refresh(Token? from, CancellationToken ct)
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await release.Task;
                throw new CredentialException("bsky", "refused");
            }

            return new Token("fresh");
        }

        var waiting = Enumerable.Range(0, 4).Select(_ => refresher.GetOrRefreshAsync("acct", null, Refresh)).ToArray();
        release.SetResult();
        foreach (var waiter in waiting)
        {
            Assert.ThrowsAsync<CredentialException>(() => waiter);
        }

        var next = await refresher.GetOrRefreshAsync("acct", null, Refresh);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(attempts, Is.EqualTo(2), "one shared failed refresh, then a new one");
            Assert.That(next.Refresh, Is.EqualTo("fresh"));
        }
    }

    [Test]
    public async Task Refresher_ACancelledCaller_StopsWaitingButTheSharedRefreshIsStoredAsync()
    {
        var refresher = new SingleFlightRefresher<Token>();
        var release = new TaskCompletionSource();
        async Task<Token> Refresh(Token? from, CancellationToken ct)
        {
            await release.Task;
            return new Token("rotated");
        }

        using var cancel = new CancellationTokenSource();
        var cancelled = refresher.GetOrRefreshAsync("acct", null, Refresh, cancel.Token);
        var patient = refresher.GetOrRefreshAsync("acct", null, Refresh);
        await cancel.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();

        Assert.That((await patient).Refresh, Is.EqualTo("rotated"));
        Assert.That(refresher.GetCurrent("acct")?.Refresh, Is.EqualTo("rotated"), "the rotated token is stored although the first caller left");
    }

    private sealed record Token(string Refresh);

    private sealed class CountingObserver : ICredentialHealthObserver
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        }
    }

    private sealed class ThrowingObserver : ICredentialHealthObserver
    {
        public Task OnNeedsReauthAsync(CredentialNeedsReauthEvent @event, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("alert channel down");
    }
}
