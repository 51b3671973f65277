using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Mastodon.Implementation;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Mastodon.Tests.Conformance;

/// <summary>
/// The SNS conformance suite against a WireMock-backed Mastodon whose limits differ from Mastodon's defaults, so the
/// suite also proves that the connector reads the instance's own limits. After every test, every request the test
/// sent (through the connector or as a member) is checked against the Mastodon OpenAPI document, and every response
/// the fake gave against the response schema.
/// </summary>
[Category("Conformance")]
public sealed class MastodonConformanceTests : SnsConnectorConformanceTests
{
    private readonly Dictionary<string, string> memberTokens = new(StringComparer.Ordinal);
    private FakeMastodon fake = null!;
    private HttpClient members = null!;
    private ServiceProvider? provider;
    private FakeAccount brand = null!;
    private int memberCount;

    protected override bool CanVote => true;

    protected override bool CanReadInbox => true;

    protected override bool CanReplyAsMember => true;

    [OneTimeSetUp]
    public void StartInstance()
    {
        fake = new FakeMastodon(new FakeInstanceLimits { MaxCharacters = 600, MaxPollOptions = 5, MaxPollOptionLength = 60, MinPollSeconds = 600, MaxPollSeconds = 14 * 24 * 3600 });
        members = new HttpClient { BaseAddress = fake.Url };
    }

    [OneTimeTearDown]
    public void StopInstance()
    {
        provider?.Dispose();
        members.Dispose();
        fake.Dispose();
    }

    [TearDown]
    public void TrafficFitsTheSpec()
    {
        var entries = fake.WaitForLog();
        Assert.That(MastodonSpec.Check(entries), Is.Empty, "every request sent and every response served in this test must fit the Mastodon OpenAPI document");
    }

    protected override async Task<ISnsConnector> CreateConnectorAsync()
    {
        provider?.Dispose();
        fake.Reset(content: true);
        memberTokens.Clear();
        string brandToken;
        (brand, brandToken) = fake.AddAccount("fashionbrand", "Fashion Brand");
        provider = MastodonTestHost.Build(fake, brandToken);
        var connector = provider.Connector();

        // Read the instance's limits up front, as the docs advise; the suite reads Capabilities before calling anything.
        await connector.RefreshCapabilitiesAsync().ConfigureAwait(false);
        return connector;
    }

    protected override Task<string> GetBrandSubjectAsync() => Task.FromResult(brand.Id);

    protected override Task<SnsCredential> CreateMemberCredentialAsync()
    {
        var (account, token) = fake.AddAccount($"member{++memberCount}");
        memberTokens[account.Id] = token;
        return Task.FromResult(new SnsCredential(token));
    }

    protected override SnsCredential CreateUnknownCredential() => new("never-issued-" + Guid.NewGuid().ToString("N"));

    protected override Task<SnsCredential?> CreateExpiredCredentialAsync()
    {
        var (_, token) = fake.AddAccount($"expiring{++memberCount}");
        fake.ExpireToken(token);
        return Task.FromResult<SnsCredential?>(new SnsCredential(token));
    }

    protected override Task<SnsCredential?> CreateRevokedCredentialAsync()
    {
        var (_, token) = fake.AddAccount($"revoked{++memberCount}");
        fake.RevokeToken(token);
        return Task.FromResult<SnsCredential?>(new SnsCredential(token));
    }

    protected override async Task VoteAsync(SnsCredential member, string pollId, int optionIndex)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/polls/{Uri.EscapeDataString(pollId)}/votes")
        {
            Content = JsonContent.Create(new JsonObject { ["choices"] = new JsonArray(optionIndex) }),
        };
        request.Headers.Authorization = new("Bearer", member.AccessToken);
        using var response = await members.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    protected override async Task<IReadOnlyList<string>> ReadInboxAsync(string subject)
    {
        if (!memberTokens.TryGetValue(subject, out var token))
        {
            return [];
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/conversations");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await members.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var conversations = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!.AsArray();
        return conversations.Select(c => MastodonText.ToPlainText(c!["last_status"]?["content"]?.GetValue<string>())).ToList();
    }

    protected override async Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/statuses")
        {
            Content = JsonContent.Create(new JsonObject { ["status"] = text, ["in_reply_to_id"] = postId, ["visibility"] = "public" }),
        };
        request.Headers.Authorization = new("Bearer", member.AccessToken);
        using var response = await members.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!;
        return new SnsPost
        {
            Id = status["id"]!.GetValue<string>(),
            Network = Connector.Metadata.Name,
            AuthorSubject = status["account"]!["id"]!.GetValue<string>(),
            AuthorHandle = status["account"]!["acct"]!.GetValue<string>(),
            Text = MastodonText.ToPlainText(status["content"]!.GetValue<string>()),
            CreatedAt = DateTimeOffset.Parse(status["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            InReplyToId = status["in_reply_to_id"]?.GetValue<string>(),
        };
    }
}

/// <summary>Every public adapter type in CoCreation.Sdk.Mastodon has a conformance suite here.</summary>
public sealed class MastodonConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(MastodonConnector).Assembly;
}
