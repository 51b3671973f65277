using System.Buffers.Binary;
using CoCreation.Sdk.Opinions;
using CoCreation.Sdk.Opinions.Charts;

namespace CoCreation.Sdk.Opinions.Tests;

[TestFixture]
[Category("Unit")]
public sealed class ChartTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static CampaignStatistics Statistics(string question, params string[] options)
    {
        var campaign = new OpinionCampaign
        {
            Id = "c",
            Title = "t",
            Questions = [new OpinionQuestion { Text = question, Options = options }],
            Networks = ["mastodon", "bluesky"],
            StartedAt = OpinionsHarness.Start,
            ClosesAt = OpinionsHarness.Start.AddDays(1),
        };
        var responses = Enumerable.Range(0, 30).Select(i => new OpinionResponse
        {
            CampaignId = "c", QuestionIndex = 0, Network = "bluesky", ItemId = "i" + i, Kind = ResponseKind.Vote,
            AuthorSubject = "s" + i, RespondentKey = "p" + i, OptionIndexes = [i % options.Length], CreatedAt = OpinionsHarness.Start.AddMinutes(i),
        }).ToList();
        var tallies = new[] { new PollTally { Network = "mastodon", QuestionIndex = 0, PollId = "poll", Counts = [.. options.Select((_, o) => 5 + o)], ReadAt = OpinionsHarness.Start } };
        return CampaignStatistics.Compute(campaign, responses, tallies);
    }

    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.That(png.Take(8), Is.EqualTo(PngSignature), "PNG signature");
        Assert.That(System.Text.Encoding.ASCII.GetString(png, 12, 4), Is.EqualTo("IHDR"));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [Test]
    public async Task The_chart_is_a_png_of_the_asked_size()
    {
        var statistics = Statistics("Which colour?", "Ivory", "Navy", "Olive");
        var path = Path.Combine(Path.GetTempPath(), "cocreation-chart-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            var image = await CampaignChart.SavePngAsync(statistics, path, new ChartOptions { Width = 640, Height = 360 });
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.That(bytes, Is.EqualTo(image.Png));
            Assert.That(PngSize(bytes), Is.EqualTo((640, 360)));
            Assert.That(image.NeedsHangul, Is.False);
            Assert.That(image.HangulFontMissing, Is.False);
            Assert.That(bytes.Length, Is.GreaterThan(2000), "a drawn chart, not an empty image");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Korean_labels_use_a_Hangul_font_or_say_clearly_that_none_is_installed()
    {
        var statistics = Statistics("어떤 색이 좋아요?", "아이보리", "네이비");
        var installed = CampaignChart.FindHangulFontFamily();
        if (installed is null)
        {
            var refused = Assert.Throws<ChartFontNotFoundException>(() => CampaignChart.RenderPng(statistics))!;
            Assert.That(refused.Message, Does.Contain("Hangul").And.Contain("fonts-nanum"));
            var anyway = CampaignChart.RenderPng(statistics, new ChartOptions { OnMissingHangulFont = MissingFontBehavior.RenderAnyway, Width = 300, Height = 200 });
            Assert.That(anyway.HangulFontMissing, Is.True);
            Assert.That(PngSize(anyway.Png), Is.EqualTo((300, 200)));
        }
        else
        {
            var image = CampaignChart.RenderPng(statistics, new ChartOptions { Width = 300, Height = 200 });
            Assert.That(image.FontFamily, Is.EqualTo(installed));
            Assert.That(image.HangulFontMissing, Is.False);
            Assert.That(PngSize(image.Png), Is.EqualTo((300, 200)));
        }
    }

    [Test]
    public void Bad_chart_options_are_refused_naming_the_field()
    {
        var statistics = Statistics("Which colour?", "Ivory", "Navy");
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CampaignChart.RenderPng(statistics, new ChartOptions { Width = 0 }))!.Field, Is.EqualTo("ChartOptions.Width"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CampaignChart.RenderPng(statistics, new ChartOptions { QuestionIndex = 3 }))!.Field, Is.EqualTo("ChartOptions.QuestionIndex"));
        Assert.That(Assert.Throws<CoCreationValidationException>(() => CampaignChart.RenderPng(statistics, new ChartOptions { FontFile = "/nonexistent/font.ttf" }))!.Field, Is.EqualTo("ChartOptions.FontFile"));
    }
}
