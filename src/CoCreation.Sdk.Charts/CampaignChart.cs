using ScottPlot;
using SkiaSharp;

namespace CoCreation.Sdk.Opinions.Charts;

/// <summary>What to do when labels contain Hangul and no font with Hangul glyphs is found.</summary>
public enum MissingFontBehavior
{
    /// <summary>Throw <see cref="ChartFontNotFoundException"/>; nothing is rendered. The default.</summary>
    Throw,

    /// <summary>Render anyway (Korean letters may show as boxes) and set <see cref="ChartImage.HangulFontMissing"/>.</summary>
    RenderAnyway,
}

/// <summary>How to draw a campaign chart.</summary>
public sealed record ChartOptions
{
    /// <summary>The image width in pixels. Default 900.</summary>
    public int Width { get; init; } = 900;

    /// <summary>The image height in pixels. Default 500.</summary>
    public int Height { get; init; } = 500;

    /// <summary>The question to draw. Default 0.</summary>
    public int QuestionIndex { get; init; }

    /// <summary>A TrueType/OpenType font file to draw all text with; it must have glyphs for every label.</summary>
    public string? FontFile { get; init; }

    /// <summary>An installed font family to draw with, when no <see cref="FontFile"/> is given.</summary>
    public string? FontFamily { get; init; }

    /// <summary>The chart title; the question's text when <see langword="null"/>.</summary>
    public string? Title { get; init; }

    /// <summary>Whether a bar with the combined count of all networks is drawn for each option. Default <see langword="true"/>.</summary>
    public bool IncludeCombined { get; init; } = true;

    /// <summary>What to do when labels need Hangul and no Hangul font is found. Default <see cref="MissingFontBehavior.Throw"/>.</summary>
    public MissingFontBehavior OnMissingHangulFont { get; init; } = MissingFontBehavior.Throw;
}

/// <summary>A rendered chart.</summary>
public sealed record ChartImage
{
    /// <summary>The PNG bytes.</summary>
    public required byte[] Png { get; init; }

    /// <summary>The width in pixels.</summary>
    public required int Width { get; init; }

    /// <summary>The height in pixels.</summary>
    public required int Height { get; init; }

    /// <summary>The font family the text was drawn with.</summary>
    public required string FontFamily { get; init; }

    /// <summary>Whether some label contains Hangul.</summary>
    public bool NeedsHangul { get; init; }

    /// <summary>Whether labels needed Hangul and no font with Hangul glyphs was found, so Korean text may show as boxes.</summary>
    public bool HangulFontMissing { get; init; }
}

/// <summary>No font with the glyphs the chart's labels need was found; nothing was rendered.</summary>
public sealed class ChartFontNotFoundException : CoCreationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing and how to fix it.</param>
    public ChartFontNotFoundException(string message) : base(message) { }
}

/// <summary>
/// Draws a campaign's results as a PNG bar chart: for one question, a group of bars per option, one bar
/// per network and one for the combined count.
/// </summary>
/// <remarks>
/// <para>Fonts: Korean labels need a font with Hangul glyphs. The chart uses, in order: the caller's
/// <see cref="ChartOptions.FontFile"/>; the caller's <see cref="ChartOptions.FontFamily"/>; when a label
/// contains Hangul, an installed Hangul font (NanumGothic, Noto Sans CJK KR, Malgun Gothic, Apple SD Gothic
/// Neo, or any the system finds for a Hangul letter); otherwise the default font. When labels need Hangul and
/// no such font exists, it throws <see cref="ChartFontNotFoundException"/>, or renders and sets
/// <see cref="ChartImage.HangulFontMissing"/> when <see cref="ChartOptions.OnMissingHangulFont"/> says so.
/// On Debian, <c>apt-get install fonts-nanum</c> provides NanumGothic.</para>
/// <para>Rendering uses ScottPlot on SkiaSharp; it is thread-safe per call.</para>
/// </remarks>
public static class CampaignChart
{
    private static readonly string[] HangulFamilies =
        ["NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", "UnDotum", "Baekmuk Gulim"];

    private static readonly Lock FontGate = new();

    /// <summary>Renders a question's results as a PNG.</summary>
    /// <param name="statistics">The statistics.</param>
    /// <param name="options">How to draw; defaults when <see langword="null"/>.</param>
    /// <returns>The image.</returns>
    /// <exception cref="CoCreationValidationException">The size is out of range (16 to 8000 pixels), the question does not exist, or the font file is missing or not a font.</exception>
    /// <exception cref="ChartFontNotFoundException">Labels need Hangul, no Hangul font was found, and <see cref="ChartOptions.OnMissingHangulFont"/> is <see cref="MissingFontBehavior.Throw"/>.</exception>
    public static ChartImage RenderPng(CampaignStatistics statistics, ChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        options ??= new ChartOptions();
        CheckSize(options.Width, "ChartOptions.Width");
        CheckSize(options.Height, "ChartOptions.Height");
        if (options.QuestionIndex < 0 || options.QuestionIndex >= statistics.Questions.Count)
        {
            throw new CoCreationValidationException("ChartOptions.QuestionIndex", $"must be between 0 and {statistics.Questions.Count - 1} (was {options.QuestionIndex}).");
        }

        var question = statistics.Questions[options.QuestionIndex];
        var title = options.Title ?? question.Text;
        var series = statistics.Networks.ToList();
        if (options.IncludeCombined)
        {
            series.Add("all");
        }

        var labels = string.Concat(title, string.Concat(question.Options), string.Concat(series));
        var needsHangul = labels.Any(IsHangul);
        var (family, missing) = ChooseFont(options, labels, needsHangul);

        var plot = new Plot();
        try
        {
            if (family is not null)
            {
                plot.Font.Set(family);
            }

            var palette = new ScottPlot.Palettes.Category10();
            var groupWidth = series.Count + 1;
            var bars = new List<Bar>();
            for (var o = 0; o < question.Options.Count; o++)
            {
                for (var s = 0; s < series.Count; s++)
                {
                    var value = series[s] == "all" && options.IncludeCombined && s == series.Count - 1
                        ? question.Totals[o]
                        : question.Count(o, series[s]);
                    bars.Add(new Bar
                    {
                        Position = (o * groupWidth) + s,
                        Value = value,
                        FillColor = palette.GetColor(s),
                        Label = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                }
            }

            var barPlot = plot.Add.Bars(bars);
            barPlot.ValueLabelStyle.FontSize = 11;
            plot.Axes.Bottom.SetTicks(
                Enumerable.Range(0, question.Options.Count).Select(o => (o * groupWidth) + ((series.Count - 1) / 2.0)).ToArray(),
                question.Options.ToArray());
            // Head room above the tallest bar keeps its value label clear of the legend.
            var tallest = bars.Count == 0 ? 0 : bars.Max(b => b.Value);
            plot.Axes.SetLimitsY(0, Math.Max(1, tallest) * 1.5);
            plot.Title(title);
            plot.YLabel("votes");
            for (var s = 0; s < series.Count; s++)
            {
                plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
            }

            plot.ShowLegend(Alignment.UpperRight);
            if (family is not null)
            {
                plot.Font.Set(family);
            }

            var png = plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
            return new ChartImage
            {
                Png = png,
                Width = options.Width,
                Height = options.Height,
                FontFamily = family ?? Fonts.Default,
                NeedsHangul = needsHangul,
                HangulFontMissing = missing,
            };
        }
        finally
        {
            plot.Dispose();
        }
    }

    /// <summary>Renders a question's results and writes the PNG to a file (its folder is created when missing).</summary>
    /// <param name="statistics">The statistics.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="options">How to draw.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The image.</returns>
    /// <exception cref="CoCreationValidationException">The path is empty, or as for <see cref="RenderPng"/>.</exception>
    /// <exception cref="ChartFontNotFoundException">As for <see cref="RenderPng"/>.</exception>
    public static async Task<ChartImage> SavePngAsync(CampaignStatistics statistics, string path, ChartOptions? options = null, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(path, nameof(path));
        var image = RenderPng(statistics, options);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        await File.WriteAllBytesAsync(path, image.Png, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>Finds an installed font family with Hangul glyphs.</summary>
    /// <returns>The family name, or <see langword="null"/> when none is installed.</returns>
    public static string? FindHangulFontFamily()
    {
        foreach (var name in HangulFamilies)
        {
            using var typeface = SKFontManager.Default.MatchFamily(name);
            if (typeface is not null && string.Equals(typeface.FamilyName, name, StringComparison.OrdinalIgnoreCase) && HasGlyphs(typeface, "한글"))
            {
                return typeface.FamilyName;
            }
        }

        using var matched = SKFontManager.Default.MatchCharacter('한');
        return matched is not null && HasGlyphs(matched, "한글") ? matched.FamilyName : null;
    }

    private static (string? Family, bool Missing) ChooseFont(ChartOptions options, string labels, bool needsHangul)
    {
        if (options.FontFile is not null)
        {
            CoCreationGuard.NotBlank(options.FontFile, "ChartOptions.FontFile");
            if (!File.Exists(options.FontFile))
            {
                throw new CoCreationValidationException("ChartOptions.FontFile", $"no file at '{options.FontFile}'.");
            }

            using var typeface = SKTypeface.FromFile(options.FontFile)
                ?? throw new CoCreationValidationException("ChartOptions.FontFile", $"'{options.FontFile}' is not a font file.");
            var glyphs = new string(labels.Where(c => !char.IsWhiteSpace(c)).Distinct().ToArray());
            if (!HasGlyphs(typeface, glyphs))
            {
                return Missing(options, needsHangul, $"The font file '{options.FontFile}' lacks glyphs for some chart labels.", "ChartOptions.FontFile");
            }

            // ScottPlot resolves fonts by name; the name is derived from the file so two files never collide.
            var family = "cocreation-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(options.FontFile))))[..12];
            lock (FontGate)
            {
                Fonts.AddFontFile(family, options.FontFile, false, false);
            }

            return (family, false);
        }

        if (options.FontFamily is not null)
        {
            CoCreationGuard.NotBlank(options.FontFamily, "ChartOptions.FontFamily");
            using var typeface = SKFontManager.Default.MatchFamily(options.FontFamily);
            if (needsHangul && (typeface is null || !HasGlyphs(typeface, "한글")))
            {
                return Missing(options, needsHangul, $"The font family '{options.FontFamily}' is not installed or has no Hangul glyphs.", "ChartOptions.FontFamily");
            }

            return (options.FontFamily, false);
        }

        if (!needsHangul)
        {
            return (null, false);
        }

        var hangul = FindHangulFontFamily();
        return hangul is not null
            ? (hangul, false)
            : Missing(options, needsHangul, "Chart labels contain Hangul but no installed font has Hangul glyphs.", null);
    }

    private static (string? Family, bool Missing) Missing(ChartOptions options, bool needsHangul, string problem, string? field)
    {
        if (options.OnMissingHangulFont == MissingFontBehavior.Throw)
        {
            throw new ChartFontNotFoundException(
                problem + " Install one (for example Debian's fonts-nanum), name a font file in ChartOptions.FontFile, or set ChartOptions.OnMissingHangulFont to RenderAnyway." + (field is null ? "" : $" ({field})"));
        }

        return (null, needsHangul);
    }

    private static bool HasGlyphs(SKTypeface typeface, string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        using var font = new SKFont(typeface);
        return font.ContainsGlyphs(text);
    }

    private static bool IsHangul(char c) => c is >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F';

    private static void CheckSize(int value, string field)
    {
        if (value is < 16 or > 8000)
        {
            throw new CoCreationValidationException(field, $"must be between 16 and 8000 pixels (was {value}).");
        }
    }
}
