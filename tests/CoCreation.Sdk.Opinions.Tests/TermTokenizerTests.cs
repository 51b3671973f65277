using CoCreation.Sdk.Opinions;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class TermTokenizerTests
{
    [Test]
    public void English_words_are_lower_cased_without_function_words()
        => Assert.That(TermTokenizer.Tokenize("Linen coats, please! The jacket's sleeves are TOO short."), Is.EqualTo(new[] { "linen", "coats", "jacket", "sleeves", "short" }));

    [Test]
    public void Korean_words_lose_one_trailing_particle()
        => Assert.That(TermTokenizer.Tokenize("린넨 코트가 좋아요. 주머니를 더 깊게, 가방에서 꺼내기 쉽게"), Is.EqualTo(new[] { "린넨", "코트", "좋아", "주머니", "깊게", "가방", "꺼내기", "쉽게" }));

    [Test]
    public void Mixed_words_split_where_the_script_changes_and_noise_is_dropped()
        => Assert.That(TermTokenizer.Tokenize("@minji XXL사이즈가 필요해요 https://shop.example/x 2번 #봄코트"), Is.EqualTo(new[] { "xxl", "사이즈", "필요해", "봄코트" }));

    [Test]
    public void Fillers_and_single_syllables_are_not_terms()
        => Assert.That(TermTokenizer.Tokenize("정말 너무 좋 네"), Is.Empty);
}
