using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Integration;

/// <summary>
/// The SNS conformance suite against the real AT Protocol PDS started by <c>eng/peers/bluesky/up.sh</c>. That PDS has
/// no AppView, so the connector reads threads from the PDS's repositories (<see cref="BlueskyReadMode.PdsRepositories"/>)
/// and reports search as unsupported; the suite then proves the refusal. Every test signs in a new brand account with
/// an app password, and every member is a new account.
/// </summary>
[Category("Integration")]
public sealed class BlueskyPdsConformanceTests : SnsConnectorConformanceTests
{
    private readonly Dictionary<string, PdsAccount> members = new(StringComparer.Ordinal);
    private PdsPeer? peer;
    private ServiceProvider? provider;
    private PdsAccount brand = null!;

    protected override bool CanReplyAsMember => true;

    [OneTimeTearDown]
    public void Stop()
    {
        provider?.Dispose();
        peer?.Dispose();
    }

    protected override async Task<ISnsConnector> CreateConnectorAsync()
    {
        peer ??= PdsPeer.Connect();
        provider?.Dispose();
        members.Clear();
        brand = await peer.CreateAccountAsync("brand");
        var appPassword = await peer.CreateAppPasswordAsync(brand);
        provider = BlueskyTestHost.Build(peer.Url, brand.Handle, appPassword, o => o.ReadMode = BlueskyReadMode.PdsRepositories);
        return provider.Connector();
    }

    protected override Task<string> GetBrandSubjectAsync() => Task.FromResult(brand.Did);

    protected override async Task<SnsCredential> CreateMemberCredentialAsync()
    {
        var account = await peer!.CreateAccountAsync("m");
        var session = await provider!.Connector().CreateSessionAsync(account.Handle, account.Password);
        members[session.AccessJwt] = account with { AccessJwt = session.AccessJwt };
        return session.ToCredential();
    }

    protected override SnsCredential CreateUnknownCredential() => new("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkaWQ6cGxjOm5vYm9keSJ9.bm90LWEtc2lnbmF0dXJl");

    protected override async Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
    {
        var account = members[member.AccessToken];
        var (uri, createdAt) = await peer!.ReplyAsync(account, postId, text);
        return new SnsPost { Id = uri, Network = BlueskyTestHost.Name, AuthorSubject = account.Did, AuthorHandle = account.Handle, Text = text, CreatedAt = createdAt, InReplyToId = postId };
    }
}
