using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Tests.Shared;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>Signed-in people act on the idea board through the same session check as every module.</summary>
[TestFixture]
[Category("Unit")]
public sealed class IdeaBoardSessionTests
{
    private static OpinionsHarness Harness() => new([("social", new EmbeddedSnsOptions())], o => o.BrandName = "Dong-A");

    [Test]
    public async Task A_signed_in_person_submits_supports_and_comments_as_herself()
    {
        await using var harness = Harness();
        var (_, author) = await harness.MemberAsync("social", "author");
        var (fanAccount, fan) = await harness.MemberAsync("social", "fan");

        var idea = await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Pockets", Text = "Deep pockets, please.", Author = IdeaPersonRef.SignedIn(author) });
        var support = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.SignedIn(fan));
        var again = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.SignedIn(fan));
        var comment = await harness.Ideas.CommentAsync(idea.Id, IdeaPersonRef.SignedIn(fan), "Yes, and lined.");

        var stored = await harness.Ideas.GetAsync(idea.Id);
        Assert.That(stored!.Authors.Single().ParticipantId, Is.EqualTo(author.ParticipantId));
        Assert.That(stored.Supporters.Select(s => s.Person.ParticipantId), Is.EqualTo(new[] { fan.ParticipantId }));
        Assert.That(support.Added, Is.True);
        Assert.That(again.Added, Is.False, "one person supports once");
        Assert.That(comment.Author.Handle, Is.EqualTo(fanAccount.Handle));
        Assert.That(stored.Comments.Single().Author.ParticipantId, Is.EqualTo(fan.ParticipantId));
    }

    [Test]
    public async Task Forged_altered_and_signed_out_sessions_change_nothing_and_are_audited()
    {
        await using var harness = Harness();
        var (_, author) = await harness.MemberAsync("social", "author");
        var (_, victim) = await harness.MemberAsync("social", "victim");
        var (_, mallory) = await harness.MemberAsync("social", "mallory");
        var idea = await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Pockets", Text = "Deep pockets, please.", Author = IdeaPersonRef.SignedIn(author) });

        var asVictim = SessionForgery.Alter(mallory, participant: victim.Participant, identity: victim.Identity);
        Assert.ThrowsAsync<AccessDeniedException>(() => harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.SignedIn(asVictim)));
        var forged = SessionForgery.Forge(victim.Participant, victim.Identity, harness.Clock.GetUtcNow().AddHours(1));
        Assert.ThrowsAsync<AccessDeniedException>(() => harness.Ideas.CommentAsync(idea.Id, IdeaPersonRef.SignedIn(forged), "Terrible idea."));
        await harness.SignIn.SignOutAsync(mallory);
        Assert.ThrowsAsync<AccessDeniedException>(() => harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Spam", Text = "Spam", Author = IdeaPersonRef.SignedIn(mallory) }));

        var stored = await harness.Ideas.GetAsync(idea.Id);
        Assert.That(stored!.Supporters, Is.Empty);
        Assert.That(stored.Comments, Is.Empty);
        Assert.That(await harness.Ideas.ListAsync(includeHidden: true), Has.Count.EqualTo(1));
        var refusals = (await harness.Audit.QueryAsync()).Where(a => a.Action == AuditAction.Denied && a.Target == "opinions:ideas").ToList();
        Assert.That(refusals, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_null_session_is_refused_naming_the_field()
    {
        var error = Assert.Throws<CoCreationValidationException>(() => IdeaPersonRef.SignedIn(null!));
        Assert.That(error!.Field, Is.EqualTo("session"));
    }
}
