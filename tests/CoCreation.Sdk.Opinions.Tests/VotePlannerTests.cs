using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class VotePlannerTests
{
    private static readonly OpinionQuestion ThreeOptions = new() { Text = "Which colour?", Options = ["Red", "Blue", "Green"] };

    private static SnsCapabilities Polls(int maxOptions = 4, int optionLength = 50, bool multiple = true, int maxPost = 500) => new()
    {
        MaxPostLength = maxPost,
        SupportsPolls = true,
        MaxPollOptions = maxOptions,
        MaxPollOptionLength = optionLength,
        MinPollDuration = TimeSpan.FromMinutes(5),
        MaxPollDuration = TimeSpan.FromDays(7),
        SupportsMultipleChoicePolls = multiple,
        SupportsReplies = true,
    };

    private static SnsCapabilities NoPolls(int maxPost = 300, bool replies = true) => new() { MaxPostLength = maxPost, SupportsReplies = replies };

    [Test]
    public void A_question_that_fits_the_network_poll_becomes_a_native_poll()
    {
        var plan = VotePlanner.Plan("mastodon", Polls(), ThreeOptions, TimeSpan.FromDays(1), "en", "Questions[0]");
        Assert.That(plan.Method, Is.EqualTo(VoteMethod.NativePoll));
        Assert.That(plan.Text, Is.EqualTo("Which colour?"));
    }

    [Test]
    public void A_network_without_polls_gets_numbered_replies()
    {
        var plan = VotePlanner.Plan("bluesky", NoPolls(), ThreeOptions, TimeSpan.FromDays(1), "en", "Questions[0]");
        Assert.That(plan.Method, Is.EqualTo(VoteMethod.NumberedReplies));
        Assert.That(plan.Text, Does.Contain("1. Red\n2. Blue\n3. Green"));
        Assert.That(plan.Text, Does.Contain("Reply with one number (1, 2, 3)."));
        Assert.That(plan.Reason, Does.Contain("no polls"));
    }

    [Test]
    public void Korean_campaigns_get_Korean_instructions()
    {
        var plan = VotePlanner.Plan("bluesky", NoPolls(), ThreeOptions, TimeSpan.FromDays(1), "ko", "Questions[0]");
        Assert.That(plan.Text, Does.Contain("번호 하나로 답글을 달아 주세요 (1, 2, 3)."));
    }

    [TestCase(2, 50, true, 1.0, false, "options")]
    [TestCase(4, 3, true, 1.0, false, "characters")]
    [TestCase(4, 50, true, 10.0, false, "duration")]
    [TestCase(4, 50, false, 1.0, true, "single-choice")]
    public void A_poll_that_does_not_fit_falls_back_to_numbered_replies(int maxOptions, int optionLength, bool multiple, double days, bool askMultiple, string reason)
    {
        var question = ThreeOptions with { AllowMultiple = askMultiple };
        var plan = VotePlanner.Plan("net", Polls(maxOptions, optionLength, multiple), question, TimeSpan.FromDays(days), "en", "Questions[0]");
        Assert.That(plan.Method, Is.EqualTo(VoteMethod.NumberedReplies));
        Assert.That(plan.Reason, Does.Contain(reason));
    }

    [Test]
    public void A_question_longer_than_the_post_limit_falls_back_or_is_refused_but_never_cut()
    {
        var question = ThreeOptions with { Text = new string('x', 90) };
        var refused = Assert.Throws<CoCreationValidationException>(() => VotePlanner.Plan("tiny", Polls(maxPost: 80), question, TimeSpan.FromDays(1), "en", "Questions[2]"))!;
        Assert.That(refused.Field, Is.EqualTo("Questions[2].Text"));
        Assert.That(refused.Message, Does.Contain("Nothing was cut"));
    }

    [Test]
    public void Numbered_replies_that_exceed_the_post_limit_are_refused_naming_the_question()
    {
        var refused = Assert.Throws<CoCreationValidationException>(() => VotePlanner.Plan("tiny", NoPolls(maxPost: 40), ThreeOptions, TimeSpan.FromDays(1), "en", "Questions[0]"))!;
        Assert.That(refused.Field, Is.EqualTo("Questions[0].Text"));
        Assert.That(refused.Message, Does.Contain("limit is 40"));
    }

    [Test]
    public void A_network_without_polls_or_replies_cannot_run_the_vote()
    {
        var refused = Assert.Throws<CapabilityNotSupportedException>(() => VotePlanner.Plan("broadcast", NoPolls(replies: false), ThreeOptions, TimeSpan.FromDays(1), "en", "Questions[0]"))!;
        Assert.That(refused.Provider, Is.EqualTo("broadcast"));
        Assert.That(refused.Capability, Does.Contain("Questions[0]"));
    }

    [TestCase("2", 1)]
    [TestCase("@brand 3", 2)]
    [TestCase("2번이 좋아요", 1)]
    [TestCase("#1 for sure", 0)]
    [TestCase("２", 1)]
    [TestCase("(3) because it is warm", 2)]
    public void Replies_starting_with_an_option_number_are_votes(string text, int expected)
        => Assert.That(NumberedReplyParser.Parse(text, 3, false), Is.EqualTo(new[] { expected }));

    [TestCase("4")]
    [TestCase("0")]
    [TestCase("I like blue")]
    [TestCase("2nd one")]
    [TestCase("2개 다 좋아요")]
    [TestCase("")]
    public void Other_replies_are_opinions_not_votes(string text)
        => Assert.That(NumberedReplyParser.Parse(text, 3, false), Is.Empty);

    [Test]
    public void Multiple_choice_replies_take_several_numbers()
    {
        Assert.That(NumberedReplyParser.Parse("1, 3", 3, true), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(NumberedReplyParser.Parse("1/2 please", 3, true), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(NumberedReplyParser.Parse("1, 3", 3, false), Is.EqualTo(new[] { 0 }));
    }
}
