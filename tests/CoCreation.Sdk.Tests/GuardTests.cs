namespace CoCreation.Sdk.Tests;

/// <summary>Text that would show as nothing is blank, whatever invisible characters it carries.</summary>
[TestFixture]
[Category("Unit")]
public sealed class GuardTests
{
    [TestCase("\u202E ")]              // right-to-left override and a space
    [TestCase("\u200B\u200C\u200D")]   // zero-width space, non-joiner, joiner
    [TestCase("\u2066\u2069\u200E")]   // isolate, pop isolate, left-to-right mark
    [TestCase("\u0007\u001B\t")]       // bell, escape, tab
    [TestCase("\uFEFF")]               // byte order mark
    public void Invisible_only_text_is_blank(string value)
    {
        var error = Assert.Throws<CoCreationValidationException>(() => CoCreationGuard.NotBlank(value, "Title"));
        Assert.That(error!.Field, Is.EqualTo("Title"));
    }

    [TestCase("\u202Eevil")]
    [TestCase("드레스")]
    [TestCase(" a ")]
    public void Text_with_a_visible_character_is_kept_as_given(string value)
        => Assert.That(CoCreationGuard.NotBlank(value, "Title"), Is.EqualTo(value));
}
