using CoCreation.Sdk.Sns;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.Time.Testing;

namespace CoCreation.Sdk.Embedded.Tests.Conformance;

/// <summary>The embedded SNS with every feature on, against the SNS conformance suite.</summary>
public class EmbeddedSnsConformanceTests : SnsConnectorConformanceTests
{
    private FakeTimeProvider time = null!;
    private EmbeddedSnsNetwork network = null!;
    private EmbeddedSnsAccount brand = null!;
    private int members;

    protected virtual EmbeddedSnsOptions? Options => null;

    protected override bool CanVote => true;

    protected override bool CanReadInbox => true;

    protected override bool CanReplyAsMember => true;

    protected override Task<ISnsConnector> CreateConnectorAsync()
    {
        time = new FakeTimeProvider();
        network = new EmbeddedSnsNetwork(Options, time);
        brand = network.RegisterAccount("brand", "The Brand");
        return Task.FromResult<ISnsConnector>(network.CreateConnector("embedded-sns", brand.Credential));
    }

    protected override Task<string> GetBrandSubjectAsync() => Task.FromResult(brand.Subject);

    protected override Task<SnsCredential> CreateMemberCredentialAsync()
        => Task.FromResult(network.RegisterAccount($"member{++members}").Credential);

    protected override SnsCredential CreateUnknownCredential() => new("never-issued-" + Guid.NewGuid().ToString("N"));

    protected override Task<SnsCredential?> CreateExpiredCredentialAsync()
    {
        var account = network.RegisterAccount($"expiring{++members}");
        var credential = network.IssueCredential(account.Subject, TimeSpan.FromMinutes(5));
        time.Advance(TimeSpan.FromMinutes(6));
        return Task.FromResult<SnsCredential?>(credential);
    }

    protected override Task<SnsCredential?> CreateRevokedCredentialAsync()
    {
        var account = network.RegisterAccount($"revoked{++members}");
        network.RevokeCredential(account.Credential);
        return Task.FromResult<SnsCredential?>(account.Credential);
    }

    protected override Task VoteAsync(SnsCredential member, string pollId, int optionIndex)
    {
        network.Vote(member, pollId, optionIndex);
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string>> ReadInboxAsync(string subject)
        => Task.FromResult<IReadOnlyList<string>>(network.GetInbox(subject).Select(m => m.Text).ToList());

    protected override Task<SnsPost> ReplyAsMemberAsync(SnsCredential member, string postId, string text)
        => Task.FromResult(network.Post(member, text, postId));
}

/// <summary>The embedded SNS with polls and direct messages off: proves the suite's capability paths.</summary>
public sealed class EmbeddedSnsWithoutPollsOrMessagesConformanceTests : EmbeddedSnsConformanceTests
{
    protected override EmbeddedSnsOptions? Options => new() { EnablePolls = false, EnableDirectMessages = false };
}
