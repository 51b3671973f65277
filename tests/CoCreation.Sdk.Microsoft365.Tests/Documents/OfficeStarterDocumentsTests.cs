using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Validation;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;
using S = DocumentFormat.OpenXml.Spreadsheet;
using W = DocumentFormat.OpenXml.Wordprocessing;

namespace CoCreation.Sdk.Microsoft365.Tests.Documents;

[TestFixture]
public sealed partial class OfficeStarterDocumentsTests
{
    /// <summary>One input and what should come back out of every kind of package.</summary>
    public sealed record Input(string Name, string Title, string? Content, string ExpectedTitle, string[] ExpectedLines)
    {
        public override string ToString() => Name;
    }

    private static readonly Input[] Inputs =
    [
        new("plain", "Project plan", "Goals\nRisks", "Project plan", ["Goals", "Risks"]),
        new("null content", "Empty", null, "Empty", []),
        new("empty content", "Empty", "", "Empty", []),
        new(
            "multi-line",
            "Meeting\r\nminutes",
            "first\r\nsecond\rthird\n\nfifth\u2028sixth\fseventh\n",
            "Meeting minutes",
            ["first", "second", "third", "", "fifth", "sixth", "seventh"]),
        new(
            "Korean and emoji",
            "공동 개발 계획서 🚀",
            "목표: 시제품 완성 ✅\n일정 — 3월 말\n  들여쓰기 유지  ",
            "공동 개발 계획서 🚀",
            ["목표: 시제품 완성 ✅", "일정 — 3월 말", "  들여쓰기 유지  "]),
        new(
            "hostile",
            "<b>Tom & \"Jerry\"</b>\t'x' ]]> \u0001bell\u0007\uFFFE\ud800",
            "</w:t></w:r></w:p><w:p>&amp;\n\u0000nul\u001Fus\u000Bvt\uFFFF\udc00end\n_x0041_ stays\ttab\n<![CDATA[x]]>",
            "<b>Tom & \"Jerry\"</b>\t'x' ]]> bell",
            ["</w:t></w:r></w:p><w:p>&amp;", "nulusvtend", "_x0041_ stays\ttab", "<![CDATA[x]]>"]),
    ];

    private static IEnumerable<TestCaseData> Cases() => Inputs.Select(input => new TestCaseData(input).SetArgDisplayNames(input.Name));

    [Test]
    public void ExtensionsMatchTheKinds()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OfficeStarterDocuments.Extension(DocumentKind.Document), Is.EqualTo(".docx"));
            Assert.That(OfficeStarterDocuments.Extension(DocumentKind.Spreadsheet), Is.EqualTo(".xlsx"));
            Assert.That(OfficeStarterDocuments.Extension(DocumentKind.Presentation), Is.EqualTo(".pptx"));
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void AWordDocumentIsValidAndHoldsTheTitleAndTheLines(Input input)
    {
        var bytes = OfficeStarterDocuments.Create(DocumentKind.Document, input.Title, input.Content);

        using var document = WordprocessingDocument.Open(new MemoryStream(bytes), isEditable: false);
        AssertValid(document);
        Assert.That(document.DocumentType, Is.EqualTo(WordprocessingDocumentType.Document));
        var main = document.MainDocumentPart!;
        var paragraphs = main.Document.Body!.Elements<W.Paragraph>().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(document.PackageProperties.Title, Is.EqualTo(input.ExpectedTitle), "core title");
            Assert.That(WordText(paragraphs[0]), Is.EqualTo(input.ExpectedTitle), "first paragraph");
            Assert.That(paragraphs[0].ParagraphProperties?.ParagraphStyleId?.Val?.Value, Is.EqualTo("Title"), "title style");
            Assert.That(paragraphs.Skip(1).Select(WordText), Is.EqualTo(input.ExpectedLines), "content paragraphs");
            Assert.That(main.Document.Body!.Descendants<W.Text>().Any(t => t.Text.Contains('\t', StringComparison.Ordinal)), Is.False, "tabs are w:tab");
            Assert.That(
                main.StyleDefinitionsPart?.Styles?.Elements<W.Style>().Select(s => s.StyleId?.Value),
                Does.Contain("Title"),
                "the Title style is defined");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void AnExcelWorkbookIsValidAndHoldsTheLinesInColumnA(Input input)
    {
        var bytes = OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, input.Title, input.Content);

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        AssertValid(document);
        Assert.That(document.DocumentType, Is.EqualTo(SpreadsheetDocumentType.Workbook));
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<S.Sheet>().Single();
        var worksheet = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
        var sharedStrings = workbook.SharedStringTablePart!.SharedStringTable.Elements<S.SharedStringItem>().ToList();

        var column = new List<string>();
        foreach (var row in worksheet.Worksheet.GetFirstChild<S.SheetData>()!.Elements<S.Row>())
        {
            var cell = row.Elements<S.Cell>().Single();
            Assert.That(cell.CellReference?.Value, Is.EqualTo(FormattableString.Invariant($"A{row.RowIndex!.Value}")));
            Assert.That(cell.DataType?.Value, Is.EqualTo(S.CellValues.SharedString));
            while (column.Count < row.RowIndex!.Value - 1)
            {
                column.Add(string.Empty);
            }

            column.Add(DecodeExcelEscapes(sharedStrings[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)].InnerText));
        }

        Assert.Multiple(() =>
        {
            Assert.That(document.PackageProperties.Title, Is.EqualTo(input.ExpectedTitle), "core title");
            Assert.That(sheet.Name?.Value, Is.EqualTo("Sheet1"));
            // A worksheet cannot show a trailing empty row, so those are not expected back.
            Assert.That(column, Is.EqualTo(input.ExpectedLines.Reverse().SkipWhile(l => l.Length == 0).Reverse()), "column A");
        });
    }

    [TestCaseSource(nameof(Cases))]
    public void APowerPointDeckIsValidAndItsSlideHoldsTheTitleAndTheBody(Input input)
    {
        var bytes = OfficeStarterDocuments.Create(DocumentKind.Presentation, input.Title, input.Content);

        using var document = PresentationDocument.Open(new MemoryStream(bytes), isEditable: false);
        AssertValid(document);
        Assert.That(document.DocumentType, Is.EqualTo(PresentationDocumentType.Presentation));
        var presentation = document.PresentationPart!;
        var slideId = presentation.Presentation.SlideIdList!.Elements<P.SlideId>().Single();
        var slide = (SlidePart)presentation.GetPartById(slideId.RelationshipId!.Value!);
        var shapes = slide.Slide.CommonSlideData!.ShapeTree!.Elements<P.Shape>().ToList();
        var title = shapes.Single(s => Placeholder(s)?.Type?.Value == P.PlaceholderValues.Title);
        var body = shapes.Single(s => Placeholder(s)?.Index?.Value == 1U);

        Assert.Multiple(() =>
        {
            Assert.That(document.PackageProperties.Title, Is.EqualTo(input.ExpectedTitle), "core title");
            Assert.That(Paragraphs(title), Is.EqualTo(new[] { input.ExpectedTitle }), "slide title");
            Assert.That(Paragraphs(body), Is.EqualTo(input.ExpectedLines.Length == 0 ? [string.Empty] : input.ExpectedLines), "slide body");
            Assert.That(slide.SlideLayoutPart?.SlideMasterPart?.ThemePart, Is.Not.Null, "layout, master and theme");
            Assert.That(presentation.SlideMasterParts.Single().SlideLayoutParts.Count(), Is.EqualTo(1));
        });

        static P.PlaceholderShape? Placeholder(P.Shape shape)
            => shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape;

        static IEnumerable<string> Paragraphs(P.Shape shape)
            => shape.TextBody!.Elements<A.Paragraph>().Select(p => p.InnerText);
    }

    [Test]
    public void ExcelEscapeSequencesInTheContentAreThemselvesEscaped()
    {
        var bytes = OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, "Escapes", "_x0041_ and _X0041_ and _x00_");

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        var text = document.WorkbookPart!.SharedStringTablePart!.SharedStringTable.Elements<S.SharedStringItem>().Single().InnerText;

        // Excel turns "_x0041_" into "A"; "_x005F_" is an escaped underscore, so Excel shows what was typed.
        Assert.That(text, Is.EqualTo("_x005F_x0041_ and _X0041_ and _x00_"));
    }

    [Test]
    public void RepeatedLinesShareOneString()
    {
        var bytes = OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, "Repeats", "a\nb\na");

        using var document = SpreadsheetDocument.Open(new MemoryStream(bytes), isEditable: false);
        AssertValid(document);
        var table = document.WorkbookPart!.SharedStringTablePart!.SharedStringTable;
        Assert.Multiple(() =>
        {
            Assert.That(table.Elements<S.SharedStringItem>().Select(i => i.InnerText), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(table.Count?.Value, Is.EqualTo(3U));
            Assert.That(table.UniqueCount?.Value, Is.EqualTo(2U));
        });
    }

    [TestCase(DocumentKind.Document)]
    [TestCase(DocumentKind.Spreadsheet)]
    [TestCase(DocumentKind.Presentation)]
    public void TheSameInputGivesTheSameBytes(DocumentKind kind)
    {
        var hostile = Inputs.Single(i => i.Name == "hostile");

        var first = OfficeStarterDocuments.Create(kind, hostile.Title, hostile.Content);
        var second = OfficeStarterDocuments.Create(kind, hostile.Title, hostile.Content);
        var other = OfficeStarterDocuments.Create(kind, hostile.Title + "!", hostile.Content);

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first), "same input");
            Assert.That(other, Is.Not.EqualTo(first), "a different title");
        });
        using var archive = new ZipArchive(new MemoryStream(first), ZipArchiveMode.Read);
        Assert.Multiple(() =>
        {
            Assert.That(archive.Entries[0].FullName, Is.EqualTo("[Content_Types].xml"));
            Assert.That(archive.Entries.Select(e => e.LastWriteTime.DateTime), Is.All.EqualTo(new DateTime(1980, 1, 1)));
        });
    }

    [TestCase(DocumentKind.Document)]
    [TestCase(DocumentKind.Spreadsheet)]
    [TestCase(DocumentKind.Presentation)]
    public void ThePackageIsSmallAndItsPartsAreUtf8WithoutAByteOrderMark(DocumentKind kind)
    {
        var bytes = OfficeStarterDocuments.Create(kind, "Project plan", "Goals\nRisks");
        TestContext.Out.WriteLine($"{kind}: {bytes.Length} bytes");

        using var archive = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        Assert.That(bytes, Has.Length.LessThan(8 * 1024));
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            var first = new byte[5];
            stream.ReadExactly(first);
            Assert.That(Encoding.ASCII.GetString(first), Is.EqualTo("<?xml"), entry.FullName);
        }
    }

    // Built in code, not attributes: an attribute stores strings as UTF-8, which would turn a lone surrogate into U+FFFD.
    private static IEnumerable<TestCaseData> BlankTitles() =>
    [
        new TestCaseData(null).SetArgDisplayNames("null"),
        new TestCaseData("").SetArgDisplayNames("empty"),
        new TestCaseData("   ").SetArgDisplayNames("spaces"),
        new TestCaseData("\u0001\u0002").SetArgDisplayNames("C0 controls"),
        new TestCaseData("\uFFFE").SetArgDisplayNames("U+FFFE"),
        new TestCaseData("\ud800 ").SetArgDisplayNames("lone surrogate and a space"),
        new TestCaseData("\u000B\r\n\u2028").SetArgDisplayNames("vertical tab and line breaks"),
    ];

    [TestCaseSource(nameof(BlankTitles))]
    public void ABlankTitleIsRefused(string? title)
    {
        foreach (var kind in Enum.GetValues<DocumentKind>())
        {
            var error = Assert.Throws<CoCreationValidationException>(() => OfficeStarterDocuments.Create(kind, title!, "content"));
            Assert.That(error!.Field, Is.EqualTo("DocumentSpec.Title"), kind.ToString());
        }
    }

    [Test]
    public void AnUnknownKindIsRefused()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => OfficeStarterDocuments.Create((DocumentKind)42, "Title", null));
            Assert.Throws<ArgumentOutOfRangeException>(() => OfficeStarterDocuments.Extension((DocumentKind)42));
        });
    }

    [Test]
    public void AnExcelLineLongerThanACellHoldsIsRefused()
    {
        var line = new string('x', OfficeStarterDocuments.MaxSpreadsheetCellLength + 1);

        var error = Assert.Throws<CoCreationValidationException>(
            () => OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, "Long", "short\n" + line));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Field, Is.EqualTo("DocumentSpec.InitialContent"));
            Assert.That(error.Message, Does.Contain("line 2"));
            Assert.That(
                OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, "Longest", line[1..]),
                Is.Not.Empty,
                "a line of exactly the cell limit fits");
            Assert.That(OfficeStarterDocuments.Create(DocumentKind.Document, "Long", line), Is.Not.Empty, "Word has no such limit");
        });
    }

    [Test]
    public void MoreLinesThanAWorksheetHasRowsAreRefused()
    {
        var content = string.Concat(Enumerable.Repeat("x\n", OfficeStarterDocuments.MaxSpreadsheetRows + 1));

        var error = Assert.Throws<CoCreationValidationException>(
            () => OfficeStarterDocuments.Create(DocumentKind.Spreadsheet, "Rows", content));

        Assert.That(error!.Field, Is.EqualTo("DocumentSpec.InitialContent"));
    }

    private static void AssertValid(OpenXmlPackage package)
    {
        var errors = new OpenXmlValidator(FileFormatVersions.Microsoft365).Validate(package).ToList();
        Assert.That(
            errors.Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}"),
            Is.Empty,
            "Open XML validation errors");
    }

    /// <summary>The text of a Word paragraph as Word shows it: runs' text, with <c>w:tab</c> as a tab.</summary>
    private static string WordText(W.Paragraph paragraph)
        => string.Concat(paragraph.Descendants().Select(e => e switch
        {
            W.Text text => text.Text,
            W.TabChar => "\t",
            _ => string.Empty,
        }));

    /// <summary>Reads text the way Excel does: <c>_xHHHH_</c> is the character with that code.</summary>
    private static string DecodeExcelEscapes(string text)
        => ExcelEscape().Replace(text, m => ((char)int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString());

    [GeneratedRegex("_x([0-9A-Fa-f]{4})_")]
    private static partial Regex ExcelEscape();
}
