using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

/// <summary>Erasure in the opinions module, read back from the stored responses, ideas and audit trail.</summary>
[TestFixture]
public sealed class ErasureTests
{
    [Test]
    public async Task A_response_collected_before_she_signed_in_is_found_by_her_identity_and_anonymised_and_her_vote_still_counts()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var replies = harness.Network("replies");
        var campaign = await harness.Campaigns.StartAsync(new OpinionCampaignRequest { Title = "t", Questions = [OpinionsHarness.Question("Red", "Blue")], Networks = ["replies"], Language = "en" });
        var post = campaign.Publications.Single().PostId!;
        var her = replies.RegisterAccount("sora_k2", "Sora K2");
        var other = replies.RegisterAccount("jun_k2");
        replies.Post(her.Credential, "2 because blue suits the linen, sora", post);
        replies.Post(other.Credential, "1", post);
        await harness.Campaigns.CollectAsync(campaign.Id);
        var before = await harness.Campaigns.GetStatisticsAsync(campaign.Id);

        // She signs in only after her reply was collected: the response names her account, not a participant.
        var session = await harness.SignIn.SignInAsync("replies", her.Credential);
        await harness.Identities.EraseAsync(session.ParticipantId);

        var responses = new List<OpinionResponse>();
        await foreach (var response in harness.Campaigns.GetResponsesAsync(campaign.Id))
        {
            responses.Add(response);
        }

        var hers = responses.Single(r => r.AuthorSubject != other.Subject);
        Assert.That(hers.AuthorSubject, Does.StartWith("erased-"));
        Assert.That(hers.AuthorHandle, Is.Null);
        Assert.That(hers.Text, Is.Empty);
        Assert.That(hers.RespondentKey, Is.EqualTo(hers.AuthorSubject));
        Assert.That(hers.OptionIndexes, Is.EqualTo(new[] { 1 }), "her vote stays");
        Assert.That(responses.Single(r => r.AuthorSubject == other.Subject).Text, Is.EqualTo("1"));
        var after = await harness.Campaigns.GetStatisticsAsync(campaign.Id);
        Assert.That(after.Questions[0].Totals, Is.EqualTo(before.Questions[0].Totals), "the counts do not change");
        Assert.That(after.Questions[0].CountedVoters, Is.EqualTo(2));
        Assert.That((await harness.Campaigns.CollectAsync(campaign.Id)).NewResponses, Is.Zero, "her reply is not collected again");
    }

    [Test]
    public async Task Her_idea_merged_into_another_loses_her_words_and_the_merge_audit_no_longer_names_her()
    {
        await using var harness = OpinionsHarness.WithPollsAndReplies();
        var (_, hers) = await harness.MemberAsync("replies", "sora_m3");
        var (_, bobs) = await harness.MemberAsync("replies", "bob_m3");
        var unlinked = harness.Network("replies").RegisterAccount("cho_m3");
        var target = await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Pockets on every dress", Text = "Deep pockets please", Author = IdeaPersonRef.Participant(bobs.ParticipantId) });
        var duplicate = await harness.Ideas.SubmitAsync(new IdeaSubmission { Title = "Dresses with pockets, sora", Text = "I keep losing my phone, sora", Author = IdeaPersonRef.Participant(hers.ParticipantId) });
        await harness.Ideas.SupportAsync(duplicate.Id, IdeaPersonRef.Sns("replies", unlinked.Subject, unlinked.Handle));
        await harness.Ideas.CommentAsync(target.Id, IdeaPersonRef.Participant(hers.ParticipantId), "Yes, side seam pockets, sora");
        await harness.Ideas.MergeAsync(duplicate.Id, target.Id, "staff-1", "same request");

        await harness.Identities.EraseAsync(hers.ParticipantId);

        var kept = (await harness.Ideas.GetAsync(target.Id))!;
        var merged = (await harness.Ideas.GetAsync(duplicate.Id))!;
        var anonymous = (await harness.Audit.QueryAsync()).Last().ParticipantId;
        Assert.That(kept.Title, Is.EqualTo("Pockets on every dress"), "Bob's idea keeps his words");
        Assert.That(kept.Text, Is.EqualTo("Deep pockets please"));
        Assert.That(kept.Authors.Select(a => a.Key), Is.EqualTo(new[] { bobs.ParticipantId, anonymous }), "she is credited only anonymously");
        Assert.That(kept.Comments, Is.Empty, "her comment is removed");
        Assert.That(kept.Supporters.Select(s => s.Person.Key), Does.Contain($"sns:replies:{unlinked.Subject}"), "other supporters stay");
        Assert.That(merged.Text, Is.Empty);
        Assert.That(merged.Title, Does.Not.Contain("sora"));
        Assert.That(merged.Moderation.Accepted, Is.False, "an idea only she wrote is held back");
        Assert.That(merged.Stage, Is.EqualTo(IdeaStage.Merged));
        var mergeAudit = (await harness.Audit.QueryAsync()).Single(a => a.Action == AuditAction.IdeasMerged);
        Assert.That(mergeAudit.Detail, Does.Not.Contain(hers.ParticipantId));
        Assert.That(mergeAudit.Detail, Does.Contain(anonymous));
        Assert.That(await harness.Ideas.ListAsync(), Has.None.Matches<Idea>(i => i.Id == duplicate.Id));
    }
}
