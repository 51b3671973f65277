using System.Net;
using CoCreation.Sdk.Http.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static CoCreation.Sdk.AspNetCore.Tests.WebhookHost;

namespace CoCreation.Sdk.AspNetCore.Tests;

/// <summary>
/// <c>AddSignedWebhookReceiver</c> bound to configuration: a badly formed secret stops the host at start without being
/// quoted, and a reloaded configuration rotates the secrets of the running receiver.
/// </summary>
[TestFixture]
[Category("Unit")]
[NonParallelizable]
public sealed class SignedReceiverRegistrationTests
{
    private const string Section = "Webhooks:orders";

    [Test]
    public async Task A_reloaded_configuration_rotates_the_secrets_of_the_running_receiver()
    {
        var old = StandardWebhookSigner.GenerateSecret();
        var next = StandardWebhookSigner.GenerateSecret();
        await using var app = await StartAsync(new() { [$"{Section}:Secret"] = old });
        using var client = app.GetTestClient();
        var body = Order("o-r");

        var beforeOld = await Send(client, "msg_r1", body, old);

        app.Configuration[$"{Section}:Secret"] = next;
        app.Configuration[$"{Section}:PreviousSecret"] = old;
        ((IConfigurationRoot)app.Configuration).Reload();
        var duringOld = await Send(client, "msg_r2", body, old);
        var duringNext = await Send(client, "msg_r3", body, next);

        app.Configuration[$"{Section}:PreviousSecret"] = null;
        ((IConfigurationRoot)app.Configuration).Reload();
        var afterOld = await Send(client, "msg_r4", body, old);
        var afterNext = await Send(client, "msg_r5", body, next);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(beforeOld, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(duringOld, Is.EqualTo(HttpStatusCode.Accepted), "the previous secret is accepted while it is set");
            Assert.That(duringNext, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(afterOld, Is.EqualTo(HttpStatusCode.Unauthorized), "refused once it is removed");
            Assert.That(afterNext, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(app.Services.GetServices<IWebhookReceiver>().OfType<ShopReceiver>().Single().Parsed, Is.EqualTo(4));
        }
    }

    [TestCase("whsec_c2hvcnQ=")]
    [TestCase("sk_live_0123456789abcdef0123456789abcdef")]
    public void A_badly_formed_secret_stops_the_host_at_start_without_being_quoted(string secret)
    {
        var ex = Assert.ThrowsAsync<OptionsValidationException>(async () => await (await StartAsync(new() { [$"{Section}:Secret"] = secret })).DisposeAsync());

        Assert.That(ex!.Message, Does.Contain("Standard webhook 'orders': Secret"));
        Assert.That(ex.Message, Does.Not.Contain(secret["whsec_".Length..]));
    }

    private static async Task<HttpStatusCode> Send(HttpClient client, string id, byte[] body, string secret)
    {
        using var response = await client.SendAsync(Signed("orders", id, Now, body, secret));
        return response.StatusCode;
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCoCreation()
            .AddSignedWebhookReceiver("orders", builder.Configuration.GetSection(Section), (_, verifier) => new ShopReceiver(verifier, pollSource: null));
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        var app = builder.Build();
        app.MapCoCreationWebhooks();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }
}
