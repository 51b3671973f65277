using Microsoft.Extensions.DependencyInjection;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class IdeaBoardTests
{
    private static OpinionsHarness Harness() => new(
        [("social", new EmbeddedSnsOptions()), ("micro", new EmbeddedSnsOptions { EnablePolls = false })],
        o =>
        {
            o.BrandName = "Dong-A";
            o.IdeaThresholds.Clear();
            o.IdeaThresholds.Add(new IdeaThresholdRule { Supporters = 3, Within = TimeSpan.FromDays(7) });
        });

    private static async Task<Idea> SubmitAsync(OpinionsHarness harness, string author, string title = "Pockets on every dress")
    {
        var (_, session) = await harness.MemberAsync("social", author);
        return await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = title, Text = "Deep pockets, please.", Author = IdeaPersonRef.Participant(session.ParticipantId) });
    }

    [Test]
    public async Task Enough_supporters_within_the_window_move_the_idea_to_review_and_supporters_are_told()
    {
        await using var harness = Harness();
        var idea = await SubmitAsync(harness, "author");
        var supporters = new List<(EmbeddedSnsAccount Account, ParticipantSession Session)>();
        for (var i = 0; i < 2; i++)
        {
            supporters.Add(await harness.MemberAsync("social", "fan" + i));
        }

        var unlinked = harness.Network("micro").RegisterAccount("drifter");
        harness.Clock.Advance(TimeSpan.FromDays(1));
        var first = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(supporters[0].Session.ParticipantId));
        harness.Clock.Advance(TimeSpan.FromDays(2));
        var second = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Sns("micro", unlinked.Subject, unlinked.Handle));
        Assert.That(first.StageChange, Is.Null);
        Assert.That(second.Idea.Stage, Is.EqualTo(IdeaStage.Submitted));

        harness.Clock.Advance(TimeSpan.FromDays(3));
        var third = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(supporters[1].Session.ParticipantId));

        Assert.That(third.Idea.Stage, Is.EqualTo(IdeaStage.UnderReview));
        Assert.That(third.StageChange, Is.Not.Null);
        Assert.That(third.StageChange!.Change.Reason, Does.Contain("3 supporters within 7 days"));
        Assert.That(third.StageChange.Notified, Is.EqualTo(3));
        Assert.That(third.StageChange.NotificationFailures, Is.Empty);

        var inbox = harness.Network("social").GetInbox(supporters[0].Account.Subject);
        Assert.That(inbox, Has.Count.EqualTo(1));
        Assert.That(inbox[0].Text, Does.Contain("Pockets on every dress").And.Contain("검토 중"));
        var mentions = harness.Network("micro").GetMentions(unlinked.Subject);
        Assert.That(mentions, Has.Count.EqualTo(1));
        Assert.That(mentions[0].Text, Does.Contain("under review").And.Contain("@drifter"));
    }

    [Test]
    public async Task A_supporter_who_turned_idea_messages_off_is_neither_told_nor_a_failure()
    {
        await using var harness = Harness();
        var idea = await SubmitAsync(harness, "author");
        var quiet = await harness.MemberAsync("social", "quiet");
        var told = await harness.MemberAsync("social", "told");
        var muted = await harness.MemberAsync("social", "muted");
        var preferences = harness.Services.GetRequiredService<IDeliveryPreferences>();
        await preferences.ChangeForAsync(muted.Session.ParticipantId, new DeliverySettingsChange { Kinds = new Dictionary<string, DeliveryMode> { ["idea"] = DeliveryMode.Off } });

        await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(quiet.Session.ParticipantId));
        await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(told.Session.ParticipantId));
        var third = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(muted.Session.ParticipantId));

        Assert.That(third.StageChange, Is.Not.Null);
        Assert.That(third.StageChange!.Notified, Is.EqualTo(2));
        Assert.That(third.StageChange.NotificationFailures, Is.Empty);
        Assert.That(harness.Network("social").GetInbox(muted.Account.Subject), Is.Empty, "nothing reached the one who turned it off");
        Assert.That(harness.Network("social").GetInbox(told.Account.Subject), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Support_after_the_window_does_not_move_the_idea()
    {
        await using var harness = Harness();
        var idea = await SubmitAsync(harness, "author");
        for (var i = 0; i < 3; i++)
        {
            var (_, session) = await harness.MemberAsync("social", "late" + i);
            harness.Clock.Advance(TimeSpan.FromDays(3));
            var result = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(session.ParticipantId));
            Assert.That(result.Added, Is.True);
        }

        var stored = await harness.Ideas.GetAsync(idea.Id);
        Assert.That(stored!.SupportCount, Is.EqualTo(3));
        Assert.That(stored.Stage, Is.EqualTo(IdeaStage.Submitted), "the third supporter came on day 9, outside 7 days");
        Assert.That(await harness.Ideas.EvaluateThresholdsAsync(), Is.Empty);
    }

    [Test]
    public async Task A_person_supports_once_even_from_two_linked_accounts()
    {
        await using var harness = Harness();
        var idea = await SubmitAsync(harness, "author");
        var (social, micro, participantId) = await harness.LinkedMemberAsync("social", "micro", "twin");
        var first = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Sns("social", social.Subject, social.Handle));
        var second = await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Sns("micro", micro.Subject, micro.Handle));
        Assert.That(first.Added, Is.True);
        Assert.That(second.Added, Is.False);
        Assert.That(second.Idea.Supporters.Single().Person.Key, Is.EqualTo(participantId));
    }

    [Test]
    public async Task A_merge_that_brings_an_idea_over_the_threshold_moves_it()
    {
        await using var harness = Harness();
        var idea = await SubmitAsync(harness, "author");
        var sessions = new List<ParticipantSession>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add((await harness.MemberAsync("social", "s" + i)).Session);
        }

        // Ideas merged into a target can bring it over the threshold: merge two ideas with 2 + 1 supporters.
        var other = await SubmitAsync(harness, "other", "More pockets");
        await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(sessions[0].ParticipantId));
        await harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Participant(sessions[1].ParticipantId));
        await harness.Ideas.SupportAsync(other.Id, IdeaPersonRef.Participant(sessions[2].ParticipantId));
        var merged = await harness.Ideas.MergeAsync(other.Id, idea.Id, "staff-1", "same request");
        Assert.That(merged.Target.Stage, Is.EqualTo(IdeaStage.UnderReview));
    }

    [Test]
    public async Task Merging_sums_votes_credits_both_authors_and_is_audited_and_final()
    {
        await using var harness = Harness();
        var target = await SubmitAsync(harness, "first", "Longer sleeves");
        var duplicate = await SubmitAsync(harness, "second", "Sleeves should be longer");
        var (_, both) = await harness.MemberAsync("social", "both");
        var (_, onlyTarget) = await harness.MemberAsync("social", "onlytarget");
        var (_, onlyDuplicate) = await harness.MemberAsync("social", "onlydup");
        await harness.Ideas.SupportAsync(target.Id, IdeaPersonRef.Participant(both.ParticipantId));
        await harness.Ideas.SupportAsync(duplicate.Id, IdeaPersonRef.Participant(both.ParticipantId));
        await harness.Ideas.SupportAsync(target.Id, IdeaPersonRef.Participant(onlyTarget.ParticipantId));
        await harness.Ideas.SupportAsync(duplicate.Id, IdeaPersonRef.Participant(onlyDuplicate.ParticipantId));
        var comment = await harness.Ideas.CommentAsync(duplicate.Id, IdeaPersonRef.Participant(onlyDuplicate.ParticipantId), "Yes, for tall people");

        var result = await harness.Ideas.MergeAsync(duplicate.Id, target.Id, "staff-7", "duplicate request");

        Assert.That(result.Target.SupportCount, Is.EqualTo(3), "2 + 2 votes with one person in both");
        Assert.That(result.Target.Authors.Select(a => a.Key), Is.EquivalentTo(target.Authors.Concat(duplicate.Authors).Select(a => a.Key)));
        Assert.That(result.Target.Comments.Select(c => c.Id), Does.Contain(comment.Id));
        Assert.That(result.Target.MergedFrom, Is.EqualTo(new[] { duplicate.Id }));
        Assert.That(result.Duplicate.Stage, Is.EqualTo(IdeaStage.Merged));
        Assert.That(result.Duplicate.MergedInto, Is.EqualTo(target.Id));

        var audit = await harness.Audit.QueryAsync("staff-7");
        var entry = audit.Single(a => a.Action == AuditAction.IdeasMerged);
        Assert.That(entry.Target, Is.EqualTo($"opinions:ideas/{target.Id}"));
        Assert.That(entry.Detail, Does.Contain(duplicate.Id).And.Contain("2 + 2 -> 3"));

        Assert.ThrowsAsync<CoCreationConflictException>(() => harness.Ideas.SupportAsync(duplicate.Id, IdeaPersonRef.Participant(onlyTarget.ParticipantId)));
        Assert.ThrowsAsync<CoCreationConflictException>(() => harness.Ideas.MergeAsync(duplicate.Id, target.Id, "staff-7", "again"));
        Assert.ThrowsAsync<CoCreationConflictException>(() => harness.Ideas.MergeAsync(target.Id, duplicate.Id, "staff-7", "reverse"));
        Assert.ThrowsAsync<CoCreationConflictException>(() => harness.Ideas.MoveAsync(duplicate.Id, IdeaStage.UnderReview, "undo"));
        Assert.That((await harness.Ideas.ListAsync()).Select(i => i.Id), Is.EqualTo(new[] { target.Id }));
        Assert.That((await harness.Audit.QueryAsync("staff-7")).Count(a => a.Action == AuditAction.IdeasMerged), Is.EqualTo(1));
    }

    [Test]
    public async Task Stages_follow_the_workflow_and_comments_are_moderated()
    {
        await using var harness = new OpinionsHarness([("social", new EmbeddedSnsOptions())], o => o.Moderation.BannedWordsEnglish.Add("scam"));
        var (_, author) = await harness.MemberAsync("social", "author");
        var idea = await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Repair service", Text = "Repair old jackets", Author = IdeaPersonRef.Participant(author.ParticipantId) });

        Assert.ThrowsAsync<CoCreationConflictException>(() => harness.Ideas.MoveAsync(idea.Id, IdeaStage.Launched, "too early"));
        await harness.Ideas.MoveAsync(idea.Id, IdeaStage.UnderReview, "looks good");
        await harness.Ideas.MoveAsync(idea.Id, IdeaStage.Accepted, "approved");
        await harness.Ideas.MoveAsync(idea.Id, IdeaStage.InDevelopment, "started");
        var launched = await harness.Ideas.MoveAsync(idea.Id, IdeaStage.Launched, "in shops");
        Assert.That(launched.Idea.History.Select(h => h.To), Is.EqualTo(new[] { IdeaStage.UnderReview, IdeaStage.Accepted, IdeaStage.InDevelopment, IdeaStage.Launched }));

        var bad = await harness.Ideas.CommentAsync(idea.Id, IdeaPersonRef.Participant(author.ParticipantId), "this is a scam");
        Assert.That(bad.Moderation.Accepted, Is.False);
        Assert.That(bad.Moderation.Filter, Is.EqualTo("banned-words"));
        Assert.That((await harness.Ideas.GetAsync(idea.Id))!.Comments.Single().Moderation.Reason, Does.Contain("English"));
    }

    [Test]
    public async Task Ideas_can_come_from_a_post_and_bad_input_is_refused()
    {
        await using var harness = Harness();
        var member = harness.Network("micro").RegisterAccount("poster");
        var post = harness.Network("micro").Post(member.Credential, "Please sell matching socks");
        // Posts read through the connector carry its name; one made on the network directly carries the network kind.
        post = post with { Network = "micro" };
        var idea = await harness.Ideas.SubmitFromPostAsync(post, "Matching socks");
        Assert.That(idea.Source, Is.EqualTo(IdeaSource.Post));
        Assert.That(idea.SourcePostId, Is.EqualTo(post.Id));
        Assert.That(idea.Authors.Single().Key, Is.EqualTo($"sns:micro:{member.Subject}"));

        var empty = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Ideas.SubmitAsync(new IdeaSubmission { Title = " ", Text = "x", Author = IdeaPersonRef.Sns("micro", member.Subject) }))!;
        Assert.That(empty.Field, Is.EqualTo("IdeaSubmission.Title"));
        var unknown = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Ideas.SupportAsync(idea.Id, IdeaPersonRef.Sns("myspace", "x")))!;
        Assert.That(unknown.Field, Is.EqualTo("supporter.Network"));
        var self = Assert.ThrowsAsync<CoCreationValidationException>(() => harness.Ideas.MergeAsync(idea.Id, idea.Id, "staff", "same"))!;
        Assert.That(self.Field, Is.EqualTo("targetId"));
    }
}
