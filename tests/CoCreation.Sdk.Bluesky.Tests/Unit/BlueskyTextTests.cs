using CoCreation.Sdk.Bluesky.Implementation;

namespace CoCreation.Sdk.Bluesky.Tests.Unit;

[TestFixture]
[Category("Unit")]
public sealed class BlueskyTextTests
{
    [TestCase("hi @minji.test!", "minji.test", "@minji.test")]
    [TestCase("@minji.test.", "minji.test", "@minji.test")]
    [TestCase("mail me@minji.test", "minji.test", null)]
    [TestCase("hi @minji.test.example", "minji.test", null)]
    [TestCase("héllo 🎉 @MINJI.test", "minji.test", "@MINJI.test")]
    public void FindMention_RespectsHandleBoundaries(string text, string handle, string? expected)
    {
        var range = BlueskyText.FindMention(text, handle);

        Assert.That(range is null ? null : BlueskyText.Slice(text, range.Value), Is.EqualTo(expected));
    }

    [Test]
    public void FindLinks_ReturnsUtf8RangesWithoutTrailingPunctuation()
    {
        const string text = "한글 (see https://example.test/a?b=1). And http://x.test/y, too";

        var links = BlueskyText.FindLinks(text);

        Assert.That(links.Select(l => l.Uri), Is.EqualTo(new[] { "https://example.test/a?b=1", "http://x.test/y" }));
        Assert.That(links.Select(l => BlueskyText.Slice(text, l.Range)), Is.EqualTo(new[] { "https://example.test/a?b=1", "http://x.test/y" }));
        Assert.That(links[0].Range.Start, Is.EqualTo(12), "two Hangul syllables are 6 bytes, then ' (see '");
    }

    [Test]
    public void WithMentions_AppendsOnlyMissingHandlesOnce()
    {
        var (text, added) = BlueskyText.WithMentions("Thanks @a.test", ["@a.test", "B.test", "b.test"]);

        Assert.That(text, Is.EqualTo("Thanks @a.test @b.test"));
        Assert.That(added, Is.EqualTo(new[] { "b.test" }));
    }

    [TestCase("é", 1, 2)]
    [TestCase("👩‍👩‍👧", 1, 18)]
    [TestCase("e\u0301", 1, 3)]
    public void Limits_CountGraphemesAndBytes(string text, int graphemes, int bytes)
    {
        Assert.That(BlueskyText.Graphemes(text), Is.EqualTo(graphemes));
        Assert.That(BlueskyText.Utf8Length(text), Is.EqualTo(bytes));
    }
}
