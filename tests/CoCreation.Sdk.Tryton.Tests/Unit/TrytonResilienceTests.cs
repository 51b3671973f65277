using System.Net;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CoCreation.Sdk.Tryton.Tests.Unit;

/// <summary>
/// Failures of the resilience pipeline that <c>AddTryton</c> puts in front of the adapter (a timeout, an open
/// circuit) reach the caller as <see cref="ProviderException"/>s, not as raw Polly exceptions.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class TrytonResilienceTests
{
    private const string Password = "s3cret-resilience-pass";

    private WireMockServer _server = null!;

    [SetUp]
    public void SetUp() => _server = WireMockServer.Start();

    [TearDown]
    public void TearDown()
    {
        _server.Stop();
        _server.Dispose();
    }

    private ServiceProvider Host(Action<TrytonOptions> tune)
    {
        var services = new ServiceCollection();
        services.AddCoCreation().AddTryton(o =>
        {
            o.Url = new Uri(_server.Url! + "/");
            o.Database = "testdb";
            o.Password = Password;
            o.MaxRetryAttempts = 0;
            tune(o);
        });
        return services.BuildServiceProvider();
    }

    [Test]
    public void A_call_slower_than_the_attempt_timeout_is_a_transient_provider_exception()
    {
        _server.Given(Request.Create().WithPath("/testdb/").UsingPost())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(3)).WithHeader("Content-Type", "application/json").WithBody("{\"id\":1,\"result\":[1,\"k\"]}"));
        using var provider = Host(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(250);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(2);
        });
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("tryton");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("7"));
        clock.Stop();

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2.5)), "the call gave up before the server answered");
        Assert.That(error, Is.InstanceOf<ProviderException>());
        Assert.That(error!.ProviderErrorCode, Is.EqualTo("timeout"));
        Assert.That(error.IsTransient, Is.True);
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.RequestTimeout));
        Assert.That(error.Method, Is.EqualTo("common.db.login"));
        Assert.That(error.InnerException, Is.InstanceOf<TimeoutRejectedException>(), "the cause is kept");
        Assert.That(error.Message, Does.Contain("in time").And.Not.Contain(Password));
    }

    [Test]
    public void Repeated_server_failures_open_the_circuit_and_the_next_call_is_a_provider_exception_that_was_not_sent()
    {
        _server.Given(Request.Create().WithPath("/testdb/").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503));
        using var provider = Host(_ => { });
        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("tryton");

        // The standard pipeline opens after enough failed calls in its sampling window (100 at the defaults):
        // every call before that is Tryton's own 503, mapped as before.
        TrytonException? open = null;
        var failedBeforeOpening = 0;
        for (var i = 0; i < 300 && open is null; i++)
        {
            var error = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("7"));
            if (error!.ProviderErrorCode == "circuit_open")
            {
                open = error;
            }
            else
            {
                Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "a failure before the circuit opened");
                failedBeforeOpening++;
            }
        }

        Assert.That(open, Is.Not.Null, "the circuit opened");
        Assert.That(failedBeforeOpening, Is.GreaterThan(0));
        Assert.That(_server.LogEntries.Count(), Is.EqualTo(failedBeforeOpening), "the call refused by the open circuit never reached the server");

        var again = Assert.ThrowsAsync<TrytonException>(() => adapter.GetAccountAsync("8"));

        Assert.That(open!.IsTransient, Is.True);
        Assert.That(open.InnerException, Is.InstanceOf<BrokenCircuitException>(), "the cause is kept");
        Assert.That(open.Message, Does.Contain("not sent").And.Not.Contain(Password));
        Assert.That(again!.ProviderErrorCode, Is.EqualTo("circuit_open"), "it stays open for its break duration");
        Assert.That(_server.LogEntries.Count(), Is.EqualTo(failedBeforeOpening));
    }
}
