using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Conformance;

/// <summary>
/// The SNS conformance suite against a WireMock-backed PDS with an AppView and a chat service, so search, thread
/// reading through <c>getPostThread</c> and direct messages are exercised. After every test, every request the test
/// sent is checked against the lexicon of its method.
/// </summary>
[Category("Conformance")]
public sealed class BlueskyConformanceTests : SnsConnectorConformanceTests
{
    private FakeBluesky fake = null!;
    private ServiceProvider? provider;
    private FakeAccount brand = null!;
    private readonly Dictionary<string, FakeAccount> members = new(StringComparer.Ordinal);

    protected override bool CanReadInbox => true;

    protected override bool CanReplyAsMember => true;

    [OneTimeSetUp]
    public void StartServer() => fake = new FakeBluesky();

    [OneTimeTearDown]
    public void StopServer()
    {
        provider?.Dispose();
        fake.Dispose();
    }

    [TearDown]
    public void TrafficFitsTheLexicons()
        => Assert.That(BlueskySpec.Check(fake.WaitForLog()), Is.Empty, "every request sent in this test must fit the lexicon of its method");

    protected override Task<ISnsConnector> CreateConnectorAsync()
    {
        provider?.Dispose();
        fake.Reset(content: true);
        members.Clear();
        brand = fake.AddAccount("brand.fake.test");
        provider = BlueskyTestHost.Build(fake, brand, o => o.ChatService = FakeBluesky.ChatProxy);
        return Task.FromResult<ISnsConnector>(provider.Connector());
    }

    protected override Task<string> GetBrandSubjectAsync() => Task.FromResult(brand.Did);

    protected override async Task<SnsCredential> CreateMemberCredentialAsync()
    {
        var account = fake.AddAccount($"m{Guid.NewGuid():N}"[..12] + ".fake.test");
        var session = await provider!.Connector().CreateSessionAsync(account.Handle, account.Password);
        members[session.AccessJwt] = account;
        return session.ToCredential();
    }

    protected override SnsCredential CreateUnknownCredential() => new("acc-never-issued-" + Guid.NewGuid().ToString("N"));

    protected override async Task<SnsCredential?> CreateExpiredCredentialAsync()
    {
        var credential = await CreateMemberCredentialAsync();
        fake.ExpireAccessTokens();
        return credential;
    }

    protected override Task<IReadOnlyList<string>> ReadInboxAsync(string subject) => Task.FromResult(fake.InboxOf(subject));

    protected override Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
    {
        var account = members[member.AccessToken];
        var post = fake.AddPost(account.Did, text, postId);
        return Task.FromResult(new SnsPost
        {
            Id = post.Uri,
            Network = BlueskyTestHost.Name,
            AuthorSubject = account.Did,
            AuthorHandle = account.Handle,
            Text = text,
            CreatedAt = post.IndexedAt,
            InReplyToId = postId,
        });
    }
}

/// <summary>Every public adapter in <c>CoCreation.Sdk.Bluesky</c> has a conformance suite here.</summary>
public sealed class BlueskyConformanceCoverageTests : ConformanceCoverageTests
{
    protected override System.Reflection.Assembly AdapterAssembly => typeof(BlueskyConnector).Assembly;
}
