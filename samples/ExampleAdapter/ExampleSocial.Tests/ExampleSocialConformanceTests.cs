using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using CoCreation.Sdk;
using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ExampleSocial.Tests;

/// <summary>
/// The SDK's SNS conformance suite against the connector, registered the way an application registers it, talking to
/// a stateful fake of the ExampleSocial API. The hooks act on the fake as people would: they create members, vote,
/// read inboxes and reply with the members' own tokens.
/// </summary>
[Category("Conformance")]
public sealed class ExampleSocialConformanceTests : SnsConnectorConformanceTests
{
    private readonly Dictionary<string, string> memberTokens = new(StringComparer.Ordinal);
    private FakeExampleSocial fake = null!;
    private HttpClient members = null!;
    private ServiceProvider? provider;
    private FakeAccount brand = null!;
    private string brandToken = null!;
    private int memberCount;

    protected override bool CanVote => true;

    protected override bool CanReadInbox => true;

    protected override bool CanReplyAsMember => true;

    [OneTimeSetUp]
    public void StartFake()
    {
        fake = new FakeExampleSocial();
        members = new HttpClient { BaseAddress = fake.Url };
    }

    [OneTimeTearDown]
    public void StopFake()
    {
        provider?.Dispose();
        members.Dispose();
        fake.Dispose();
    }

    [TearDown]
    public void NoTokenReachedTheLogs()
    {
        var lines = TestHost.Logs.Lines;
        Assert.That(lines.Where(l => l.Contains(brandToken, StringComparison.Ordinal) || memberTokens.Values.Any(t => l.Contains(t, StringComparison.Ordinal))), Is.Empty, "no token may be logged");
    }

    protected override Task<ISnsConnector> CreateConnectorAsync()
    {
        provider?.Dispose();
        fake.Reset();
        memberTokens.Clear();
        (brand, brandToken) = fake.AddAccount("brand", "The Brand");
        provider = TestHost.Build(fake.Url, brandToken);
        return Task.FromResult(provider.GetRequiredKeyedService<ISnsConnector>(TestHost.Name));
    }

    protected override Task<string> GetBrandSubjectAsync() => Task.FromResult(brand.Id);

    protected override Task<SnsCredential> CreateMemberCredentialAsync()
    {
        var (account, token) = fake.AddAccount($"member{++memberCount}");
        memberTokens[account.Id] = token;
        return Task.FromResult(new SnsCredential(token));
    }

    protected override SnsCredential CreateUnknownCredential() => new("es_never_issued_" + Guid.NewGuid().ToString("N"));

    protected override Task<SnsCredential?> CreateExpiredCredentialAsync()
    {
        var (_, token) = fake.AddAccount($"expired{++memberCount}");
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
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/polls/{Uri.EscapeDataString(pollId)}/votes")
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

        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/messages");
        request.Headers.Authorization = new("Bearer", token);
        using var response = await members.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var inbox = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!["items"]!.AsArray();
        return inbox.Select(m => m!["text"]!.GetValue<string>()).ToList();
    }

    protected override async Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/posts")
        {
            Content = JsonContent.Create(new JsonObject { ["text"] = text, ["reply_to"] = postId, ["visibility"] = "public" }),
        };
        request.Headers.Authorization = new("Bearer", member.AccessToken);
        using var response = await members.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var post = JsonNode.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false))!;
        return new SnsPost
        {
            Id = post["id"]!.GetValue<string>(),
            Network = Connector.Metadata.Name,
            AuthorSubject = post["author"]!["id"]!.GetValue<string>(),
            AuthorHandle = post["author"]!["handle"]!.GetValue<string>(),
            Text = post["text"]!.GetValue<string>(),
            CreatedAt = post["created_at"]!.GetValue<DateTimeOffset>(),
            InReplyToId = post["reply_to"]?.GetValue<string>(),
        };
    }
}

/// <summary>Every public adapter type in the adapter assembly has a conformance suite here.</summary>
public sealed class ExampleSocialConformanceCoverageTests : ConformanceCoverageTests
{
    protected override Assembly AdapterAssembly => typeof(ExampleSocialConnector).Assembly;
}
