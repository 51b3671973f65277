namespace CoCreation.Sdk.Opinions;

/// <summary>Splits Korean and English opinion texts into terms for "top terms" counts.</summary>
/// <remarks>
/// English words are lower-cased; words shorter than three letters, common function words and a
/// trailing <c>'s</c> are dropped. Korean words (runs of Hangul) lose one common trailing particle
/// (<c>은/는/이/가/을/를/에/에서/으로/…</c>) when at least two syllables remain; single syllables and
/// common filler words are dropped. A word mixing scripts is split where the script changes
/// (<c>XL사이즈가</c> gives <c>xl</c> and <c>사이즈</c>). Mentions, links and numbers are not terms.
/// This is a light tokeniser, not a morphological analyser: it aims at useful counts, not linguistics.
/// </remarks>
public static class TermTokenizer
{
    private static readonly string[] KoreanParticles =
    [
        "에서는", "으로는", "에게서", "이라고", "이라는",
        "에서", "에게", "한테", "으로", "부터", "까지", "처럼", "보다", "이랑", "하고", "라고", "라는", "이나", "에는", "과는", "와는", "이요",
        "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "만", "랑", "요", "나",
    ];

    private static readonly HashSet<string> KoreanStopwords = new(StringComparer.Ordinal)
    {
        "그리고", "그런데", "하지만", "그래서", "정말", "너무", "진짜", "조금", "이거", "저거", "그거", "우리", "저희",
        "있어", "있어요", "있으면", "없어요", "좋겠어", "같아", "같아요", "합니다", "했으면", "입니다", "해주세요", "주세요",
        "이번", "다음", "정도", "항상", "그냥", "아주", "많이",
    };

    private static readonly HashSet<string> EnglishStopwords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "all", "any", "can", "had", "her", "was", "one", "our", "out",
        "has", "have", "him", "his", "how", "its", "let", "may", "she", "too", "use", "that", "with", "this", "they", "them",
        "then", "than", "there", "their", "what", "when", "which", "would", "could", "should", "will", "just", "very", "really",
        "from", "into", "about", "more", "some", "like", "been", "were", "also", "only", "please", "want", "does", "did", "who",
        "yes", "get", "got", "much", "many", "here", "where", "why", "because", "it's", "i'm", "don't", "can't", "won't", "i'd",
    };

    /// <summary>Splits a text into terms.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The terms, in order, repeats included.</returns>
    public static IEnumerable<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>();
        Tokenize(text, terms);
        return terms;
    }

    /// <summary>Adds the terms of a text to a list, without other allocations than the terms themselves.</summary>
    /// <param name="text">The text.</param>
    /// <param name="terms">Receives the terms.</param>
    public static void Tokenize(string text, ICollection<string> terms)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(terms);
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            var start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i == start)
            {
                continue;
            }

            var word = span[start..i];
            if (word[0] == '@' || word.StartsWith("http", StringComparison.OrdinalIgnoreCase) || word.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            SplitWord(word, terms);
        }
    }

    private static void SplitWord(ReadOnlySpan<char> word, ICollection<string> terms)
    {
        var i = 0;
        while (i < word.Length)
        {
            var c = word[i];
            if (IsHangul(c))
            {
                var start = i;
                while (i < word.Length && IsHangul(word[i]))
                {
                    i++;
                }

                AddKorean(word[start..i], terms);
            }
            else if (char.IsLetter(c))
            {
                var start = i;
                while (i < word.Length && (char.IsLetter(word[i]) && !IsHangul(word[i]) || (word[i] == '\'' && i + 1 < word.Length && char.IsLetter(word[i + 1]))))
                {
                    i++;
                }

                AddEnglish(word[start..i], terms);
            }
            else
            {
                i++;
            }
        }
    }

    private static void AddKorean(ReadOnlySpan<char> run, ICollection<string> terms)
    {
        var stem = run;
        foreach (var particle in KoreanParticles)
        {
            if (stem.Length - particle.Length >= 2 && stem.EndsWith(particle, StringComparison.Ordinal))
            {
                stem = stem[..^particle.Length];
                break;
            }
        }

        if (stem.Length < 2)
        {
            return;
        }

        var term = stem.ToString();
        if (!KoreanStopwords.Contains(term))
        {
            terms.Add(term);
        }
    }

    private static void AddEnglish(ReadOnlySpan<char> run, ICollection<string> terms)
    {
        Span<char> buffer = run.Length <= 64 ? stackalloc char[run.Length] : new char[run.Length];
        run.ToLowerInvariant(buffer);
        ReadOnlySpan<char> lower = buffer;
        if (lower.EndsWith("'s", StringComparison.Ordinal))
        {
            lower = lower[..^2];
        }

        if (lower.Length < 3)
        {
            return;
        }

        var term = lower.ToString();
        if (!EnglishStopwords.Contains(term))
        {
            terms.Add(term);
        }
    }

    private static bool IsHangul(char c) => c is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F';
}
