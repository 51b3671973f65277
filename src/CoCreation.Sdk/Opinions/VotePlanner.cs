namespace CoCreation.Sdk.Opinions;

/// <summary>How one question will be published on one network, decided from its capabilities alone.</summary>
/// <param name="Network">The connector name.</param>
/// <param name="Method">Native poll or numbered replies.</param>
/// <param name="Text">The post text: the question for a poll, the question with numbered options and instructions otherwise.</param>
/// <param name="Reason">Why this method, for people.</param>
public sealed record VotePlan(string Network, VoteMethod Method, string Text, string Reason);

/// <summary>
/// Chooses, per network, between a native poll and a numbered-reply vote. It reads only
/// <see cref="SnsCapabilities"/>, so it works for any <see cref="ISnsConnector"/>.
/// </summary>
/// <remarks>
/// A native poll is used when the network has polls and the question fits every limit: number of
/// options, option length, duration, multiple choice and post length. Otherwise the question is posted
/// with numbered options ("reply 1, 2 or 3") when the network can read replies and the whole post fits
/// <see cref="SnsCapabilities.MaxPostLength"/>. Nothing is ever shortened: when neither fits, planning
/// fails and nothing is published.
/// </remarks>
public static class VotePlanner
{
    /// <summary>Plans one question on one network.</summary>
    /// <param name="network">The connector name, for messages.</param>
    /// <param name="capabilities">What the network can do.</param>
    /// <param name="question">The question (already validated).</param>
    /// <param name="duration">How long voting stays open.</param>
    /// <param name="language"><c>ko</c> or <c>en</c>: the language of the numbered-reply instructions.</param>
    /// <param name="field">The question's field name for errors, for example <c>Questions[0]</c>.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="CoCreationValidationException">The numbered-reply post would be longer than the network allows, and no native poll fits.</exception>
    /// <exception cref="CapabilityNotSupportedException">No native poll fits and the network cannot read replies.</exception>
    public static VotePlan Plan(string network, SnsCapabilities capabilities, OpinionQuestion question, TimeSpan duration, string language, string field)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(question);
        var misfit = PollMisfit(capabilities, question, duration);
        if (misfit is null)
        {
            return new VotePlan(network, VoteMethod.NativePoll, question.Text, "native poll");
        }

        var text = NumberedText(question, language);
        if (!capabilities.SupportsReplies)
        {
            throw new CapabilityNotSupportedException(network, $"a native poll for {field} ({misfit}) or reading replies for a numbered-reply vote");
        }

        var length = CoCreationGuard.TextLength(text);
        if (length > capabilities.MaxPostLength)
        {
            throw new CoCreationValidationException(
                field + ".Text",
                $"as a numbered-reply vote on {network} (no native poll: {misfit}) the post is {length} characters long with its numbered options; the limit is {capabilities.MaxPostLength}. Nothing was cut or published.");
        }

        return new VotePlan(network, VoteMethod.NumberedReplies, text, "numbered replies: " + misfit);
    }

    /// <summary>The post text of a numbered-reply vote.</summary>
    /// <param name="question">The question.</param>
    /// <param name="language"><c>ko</c> for Korean instructions, anything else for English.</param>
    /// <returns>The text.</returns>
    public static string NumberedText(OpinionQuestion question, string language)
    {
        ArgumentNullException.ThrowIfNull(question);
        var korean = IsKorean(language);
        var builder = new StringBuilder(question.Text.Trim()).Append('\n');
        for (var i = 0; i < question.Options.Count; i++)
        {
            builder.Append('\n').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append(". ").Append(question.Options[i].Trim());
        }

        var numbers = string.Join(", ", Enumerable.Range(1, question.Options.Count).Select(n => n.ToString(CultureInfo.InvariantCulture)));
        builder.Append("\n\n");
        builder.Append((korean, question.AllowMultiple) switch
        {
            (true, false) => $"번호 하나로 답글을 달아 주세요 ({numbers}).",
            (true, true) => $"고른 번호들로 답글을 달아 주세요 (예: 1, 3).",
            (false, false) => $"Reply with one number ({numbers}).",
            _ => "Reply with the numbers you choose (for example 1, 3).",
        });
        return builder.ToString();
    }

    internal static bool IsKorean(string? language) => language is not null && language.StartsWith("ko", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why a native poll does not fit, or <see langword="null"/> when it does.</summary>
    private static string? PollMisfit(SnsCapabilities caps, OpinionQuestion question, TimeSpan duration)
    {
        if (!caps.SupportsPolls)
        {
            return "the network has no polls";
        }

        if (question.Options.Count > caps.MaxPollOptions)
        {
            return $"{question.Options.Count} options, polls allow {caps.MaxPollOptions}";
        }

        var longest = question.Options.Max(o => CoCreationGuard.TextLength(o.Trim()));
        if (longest > caps.MaxPollOptionLength)
        {
            return $"an option is {longest} characters, polls allow {caps.MaxPollOptionLength}";
        }

        if (duration < caps.MinPollDuration || duration > caps.MaxPollDuration)
        {
            return $"duration {duration} is outside {caps.MinPollDuration}–{caps.MaxPollDuration}";
        }

        if (question.AllowMultiple && !caps.SupportsMultipleChoicePolls)
        {
            return "polls are single-choice only";
        }

        if (CoCreationGuard.TextLength(question.Text.Trim()) > caps.MaxPostLength)
        {
            return $"the question is longer than {caps.MaxPostLength} characters";
        }

        return null;
    }
}

/// <summary>Reads option numbers out of replies to a numbered-reply vote.</summary>
/// <remarks>
/// A reply is a vote when, after any leading <c>@mentions</c>, it starts with an option number:
/// <c>2</c>, <c>2번</c>, <c>#2</c>, <c>2.</c>, <c>(2)</c> or full-width <c>２</c>. A multiple-choice
/// question takes several numbers separated by commas, spaces or <c>/</c> (<c>1, 3</c>). A number
/// outside 1..N, or a reply that starts with words, is an opinion, not a vote. Anything after the
/// numbers is kept as the reply's text (for top terms) and does not change the vote.
/// </remarks>
public static class NumberedReplyParser
{
    /// <summary>Parses a reply.</summary>
    /// <param name="text">The reply's text.</param>
    /// <param name="optionCount">How many options the question has.</param>
    /// <param name="allowMultiple">Whether several numbers are taken.</param>
    /// <returns>The zero-based options chosen, or an empty list when the reply is not a vote.</returns>
    public static IReadOnlyList<int> Parse(string text, int optionCount, bool allowMultiple)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        var i = 0;

        // Skip leading mentions, which some networks put in front of every reply.
        while (true)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i < span.Length && span[i] == '@')
            {
                while (i < span.Length && !char.IsWhiteSpace(span[i]))
                {
                    i++;
                }

                continue;
            }

            break;
        }

        var chosen = new List<int>(allowMultiple ? optionCount : 1);
        while (i < span.Length)
        {
            if (span[i] is '#' or '(' or '[')
            {
                i++;
            }

            var value = 0;
            var digits = 0;
            while (i < span.Length && TryDigit(span[i], out var d) && digits < 4)
            {
                value = (value * 10) + d;
                digits++;
                i++;
            }

            if (digits == 0)
            {
                break;
            }

            // A number glued to a word ("2nd", "2개") is prose, not a choice; "번" is how Koreans number a choice.
            if (i < span.Length && span[i] == '번')
            {
                i++;
            }
            else if (i < span.Length && char.IsLetter(span[i]))
            {
                return [];
            }

            if (value < 1 || value > optionCount)
            {
                return [];
            }

            if (!chosen.Contains(value - 1))
            {
                chosen.Add(value - 1);
            }

            while (i < span.Length && span[i] is '.' or ')' or ']' or ':')
            {
                i++;
            }

            if (!allowMultiple)
            {
                break;
            }

            var separatorSeen = false;
            while (i < span.Length && (span[i] is ',' or '/' or '、' || span[i] == ' '))
            {
                separatorSeen = true;
                i++;
            }

            if (!separatorSeen)
            {
                break;
            }
        }

        return chosen;
    }

    private static bool TryDigit(char c, out int digit)
    {
        if (c is >= '0' and <= '9')
        {
            digit = c - '0';
            return true;
        }

        if (c is >= '０' and <= '９')
        {
            digit = c - '０';
            return true;
        }

        digit = 0;
        return false;
    }
}
