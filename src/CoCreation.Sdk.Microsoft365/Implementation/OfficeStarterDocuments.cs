using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Builds the blank Word, Excel and PowerPoint files a workspace starts with when no template is configured.</summary>
/// <remarks>
/// <para>
/// The packages are written by hand (a ZIP archive of a few XML parts) so the shipped package does not depend on the
/// Open XML SDK. Each holds only what Word, Excel and PowerPoint need to open it without repair, plus the core
/// properties with <c>dc:title</c>.
/// </para>
/// <para>
/// Text rules: the initial content is split into lines at the line breaks .NET knows (<c>\r\n</c>, <c>\r</c>,
/// <c>\n</c>, form feed, U+0085, U+2028, U+2029); a final line break does not add an empty line. Line breaks in the
/// title become spaces. Characters XML 1.0 cannot carry (C0 controls other than tab, lone surrogates, U+FFFE, U+FFFF)
/// are removed, not replaced. Excel reads <c>_xHHHH_</c> in cell text as an escaped character, so in a spreadsheet the
/// leading underscore of such a sequence is itself escaped (<c>_x005F_</c>) and the text shows as typed.
/// </para>
/// <para>
/// The output is deterministic: the same input gives the same bytes (fixed entry order, fixed entry timestamps, no
/// creation dates in the core properties) on the same runtime and operating system family.
/// </para>
/// <para>Thread safety: stateless; safe to call from any thread.</para>
/// </remarks>
internal static partial class OfficeStarterDocuments
{
    /// <summary>The longest text an Excel cell holds.</summary>
    internal const int MaxSpreadsheetCellLength = 32_767;

    /// <summary>The number of rows an Excel worksheet has.</summary>
    internal const int MaxSpreadsheetRows = 1_048_576;

    /// <summary>The timestamp of every ZIP entry (the earliest a ZIP archive can record), so uploads are reproducible.</summary>
    internal static readonly DateTimeOffset EntryTimestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string TitleField = "DocumentSpec.Title";
    private const string ContentField = "DocumentSpec.InitialContent";

    private const string XmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string OfficeDocumentRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file name extension of a kind (<c>.docx</c>, <c>.xlsx</c>, <c>.pptx</c>).</summary>
    internal static string Extension(DocumentKind kind) => kind switch
    {
        DocumentKind.Document => ".docx",
        DocumentKind.Spreadsheet => ".xlsx",
        DocumentKind.Presentation => ".pptx",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown document kind."),
    };

    /// <summary>Builds an Office Open XML package of a kind holding the title and the initial content.</summary>
    /// <param name="kind">The kind.</param>
    /// <param name="title">The document title (core properties; the first line of a document or slide).</param>
    /// <param name="initialContent">Text to start with: paragraphs, rows of column A, or the slide's body; may be <see langword="null"/>.</param>
    /// <returns>The package bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined kind.</exception>
    /// <exception cref="CoCreationValidationException">
    /// The title is blank, or holds nothing but characters XML cannot carry; or, for a spreadsheet, the content has a
    /// line longer than an Excel cell holds or more lines than a worksheet has rows.
    /// </exception>
    internal static byte[] Create(DocumentKind kind, string title, string? initialContent)
    {
        _ = Extension(kind);
        CoCreationGuard.NotBlank(title, TitleField);
        var cleanTitle = CleanTitle(title);
        if (cleanTitle.Trim().Length == 0)
        {
            throw new CoCreationValidationException(TitleField, "holds only characters an Office document cannot carry.");
        }

        var lines = SplitLines(initialContent);
        return kind switch
        {
            DocumentKind.Document => CreateDocument(cleanTitle, lines),
            DocumentKind.Spreadsheet => CreateSpreadsheet(cleanTitle, lines),
            _ => CreatePresentation(cleanTitle, lines),
        };
    }

    // ---- Word -------------------------------------------------------------------------------------------------------

    private static byte[] CreateDocument(string title, List<string> lines)
    {
        var body = new StringBuilder();
        body.Append(XmlDeclaration)
            .Append("<w:document xmlns:w=\"").Append(WordNamespace).Append("\"><w:body>")
            .Append("<w:p><w:pPr><w:pStyle w:val=\"Title\"/></w:pPr>");
        AppendWordRun(body, title);
        body.Append("</w:p>");
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                body.Append("<w:p/>");
                continue;
            }

            body.Append("<w:p>");
            AppendWordRun(body, line);
            body.Append("</w:p>");
        }

        // A4 with one-inch margins.
        body.Append("<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/>")
            .Append("<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/>")
            .Append("</w:sectPr></w:body></w:document>");

        using var package = new PackageWriter();
        package.Add("[Content_Types].xml", ContentTypes(
            ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
            ("/word/styles.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml")));
        package.Add("_rels/.rels", RootRelationships("word/document.xml"));
        package.Add("docProps/core.xml", CoreProperties(title));
        package.Add("word/document.xml", body.ToString());
        package.Add("word/_rels/document.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/styles", "styles.xml")));
        package.Add("word/styles.xml", WordStyles);
        return package.ToArray();
    }

    // A tab is its own element in WordprocessingML (w:tab), not a character of w:t.
    private static void AppendWordRun(StringBuilder xml, string text)
    {
        xml.Append("<w:r>");
        var first = true;
        foreach (var segment in text.Split('\t'))
        {
            if (!first)
            {
                xml.Append("<w:tab/>");
            }

            first = false;
            if (segment.Length > 0)
            {
                xml.Append("<w:t xml:space=\"preserve\">");
                AppendEscaped(xml, segment);
                xml.Append("</w:t>");
            }
        }

        xml.Append("</w:r>");
    }

    private const string WordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    private static readonly string WordStyles = XmlDeclaration + Compact("""
        <w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
          <w:docDefaults>
            <w:rPrDefault>
              <w:rPr>
                <w:rFonts w:ascii="Calibri" w:eastAsia="Malgun Gothic" w:hAnsi="Calibri" w:cs="Arial"/>
                <w:sz w:val="22"/>
                <w:szCs w:val="22"/>
              </w:rPr>
            </w:rPrDefault>
            <w:pPrDefault>
              <w:pPr>
                <w:spacing w:after="160" w:line="259" w:lineRule="auto"/>
              </w:pPr>
            </w:pPrDefault>
          </w:docDefaults>
          <w:style w:type="paragraph" w:default="1" w:styleId="Normal">
            <w:name w:val="Normal"/>
            <w:qFormat/>
          </w:style>
          <w:style w:type="paragraph" w:styleId="Title">
            <w:name w:val="Title"/>
            <w:basedOn w:val="Normal"/>
            <w:next w:val="Normal"/>
            <w:uiPriority w:val="10"/>
            <w:qFormat/>
            <w:pPr>
              <w:spacing w:after="240" w:line="240" w:lineRule="auto"/>
              <w:contextualSpacing/>
            </w:pPr>
            <w:rPr>
              <w:kern w:val="28"/>
              <w:sz w:val="56"/>
              <w:szCs w:val="56"/>
            </w:rPr>
          </w:style>
        </w:styles>
        """);

    // ---- Excel ------------------------------------------------------------------------------------------------------

    private static byte[] CreateSpreadsheet(string title, List<string> lines)
    {
        if (lines.Count > MaxSpreadsheetRows)
        {
            throw new CoCreationValidationException(ContentField, $"has {lines.Count} lines; a worksheet has {MaxSpreadsheetRows} rows.");
        }

        var sheet = new StringBuilder();
        var strings = new StringBuilder();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var cells = 0;
        sheet.Append(XmlDeclaration)
            .Append("<worksheet xmlns=\"").Append(SpreadsheetNamespace).Append("\">")
            .Append("<dimension ref=\"A1").Append(LastUsedRow(lines) is var last and > 1 ? FormattableString.Invariant($":A{last}") : string.Empty).Append("\"/>")
            .Append("<sheetData>");
        for (var i = 0; i < lines.Count; i++)
        {
            var text = EscapeSpreadsheetText(lines[i]);
            if (text.Length == 0)
            {
                continue;
            }

            if (lines[i].Length > MaxSpreadsheetCellLength)
            {
                throw new CoCreationValidationException(
                    ContentField,
                    string.Create(CultureInfo.InvariantCulture, $"line {i + 1} has {lines[i].Length} characters; an Excel cell holds {MaxSpreadsheetCellLength}."));
            }

            if (!index.TryGetValue(text, out var stringIndex))
            {
                stringIndex = index.Count;
                index.Add(text, stringIndex);
                strings.Append("<si><t xml:space=\"preserve\">");
                AppendEscaped(strings, text);
                strings.Append("</t></si>");
            }

            cells++;
            var row = (i + 1).ToString(CultureInfo.InvariantCulture);
            sheet.Append("<row r=\"").Append(row).Append("\"><c r=\"A").Append(row).Append("\" t=\"s\"><v>")
                .Append(stringIndex.ToString(CultureInfo.InvariantCulture)).Append("</v></c></row>");
        }

        sheet.Append("</sheetData></worksheet>");

        var sharedStrings = new StringBuilder()
            .Append(XmlDeclaration)
            .Append("<sst xmlns=\"").Append(SpreadsheetNamespace).Append("\" count=\"")
            .Append(cells.ToString(CultureInfo.InvariantCulture)).Append("\" uniqueCount=\"")
            .Append(index.Count.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append(strings)
            .Append("</sst>");

        using var package = new PackageWriter();
        package.Add("[Content_Types].xml", ContentTypes(
            ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
            ("/xl/worksheets/sheet1.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"),
            ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
            ("/xl/sharedStrings.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml")));
        package.Add("_rels/.rels", RootRelationships("xl/workbook.xml"));
        package.Add("docProps/core.xml", CoreProperties(title));
        package.Add("xl/workbook.xml", Workbook);
        package.Add("xl/_rels/workbook.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/worksheet", "worksheets/sheet1.xml"),
            ("rId2", OfficeDocumentRelationship + "/styles", "styles.xml"),
            ("rId3", OfficeDocumentRelationship + "/sharedStrings", "sharedStrings.xml")));
        package.Add("xl/worksheets/sheet1.xml", sheet.ToString());
        package.Add("xl/styles.xml", SpreadsheetStyles);
        package.Add("xl/sharedStrings.xml", sharedStrings.ToString());
        return package.ToArray();
    }

    private static int LastUsedRow(List<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (lines[i].Length > 0)
            {
                return i + 1;
            }
        }

        return 0;
    }

    private static string EscapeSpreadsheetText(string text) => ExcelEscapeSequence().Replace(text, "_x005F_");

    /// <summary>The underscore that starts an <c>_xHHHH_</c> sequence, which Excel would read as an escaped character.</summary>
    [GeneratedRegex("_(?=x[0-9A-Fa-f]{4}_)", RegexOptions.CultureInvariant)]
    private static partial Regex ExcelEscapeSequence();

    private const string SpreadsheetNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    private static readonly string Workbook = XmlDeclaration + Compact("""
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
          <bookViews>
            <workbookView/>
          </bookViews>
          <sheets>
            <sheet name="Sheet1" sheetId="1" r:id="rId1"/>
          </sheets>
        </workbook>
        """);

    private static readonly string SpreadsheetStyles = XmlDeclaration + Compact("""
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
          <fonts count="1">
            <font><sz val="11"/><name val="Calibri"/><family val="2"/></font>
          </fonts>
          <fills count="2">
            <fill><patternFill patternType="none"/></fill>
            <fill><patternFill patternType="gray125"/></fill>
          </fills>
          <borders count="1">
            <border><left/><right/><top/><bottom/><diagonal/></border>
          </borders>
          <cellStyleXfs count="1">
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>
          </cellStyleXfs>
          <cellXfs count="1">
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
          </cellXfs>
          <cellStyles count="1">
            <cellStyle name="Normal" xfId="0" builtinId="0"/>
          </cellStyles>
        </styleSheet>
        """);

    // ---- PowerPoint -------------------------------------------------------------------------------------------------

    private static byte[] CreatePresentation(string title, List<string> lines)
    {
        var slide = new StringBuilder();
        slide.Append(XmlDeclaration)
            .Append("<p:sld ").Append(PresentationNamespaces).Append("><p:cSld><p:spTree>").Append(GroupShapeProperties)
            .Append("<p:sp><p:nvSpPr><p:cNvPr id=\"2\" name=\"Title 1\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>")
            .Append("<p:nvPr><p:ph type=\"title\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>");
        AppendDrawingParagraph(slide, title);
        slide.Append("</p:txBody></p:sp>")
            .Append("<p:sp><p:nvSpPr><p:cNvPr id=\"3\" name=\"Text Placeholder 2\"/><p:cNvSpPr><a:spLocks noGrp=\"1\"/></p:cNvSpPr>")
            .Append("<p:nvPr><p:ph type=\"body\" idx=\"1\"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>");
        if (lines.Count == 0)
        {
            // A text body needs one paragraph; an empty one shows PowerPoint's "click to add text" prompt.
            slide.Append("<a:p/>");
        }

        foreach (var line in lines)
        {
            AppendDrawingParagraph(slide, line);
        }

        slide.Append("</p:txBody></p:sp></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>");

        using var package = new PackageWriter();
        package.Add("[Content_Types].xml", ContentTypes(
            ("/ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
            ("/ppt/slideMasters/slideMaster1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"),
            ("/ppt/slideLayouts/slideLayout1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"),
            ("/ppt/slides/slide1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"),
            ("/ppt/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml")));
        package.Add("_rels/.rels", RootRelationships("ppt/presentation.xml"));
        package.Add("docProps/core.xml", CoreProperties(title));
        package.Add("ppt/presentation.xml", Presentation);
        package.Add("ppt/_rels/presentation.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", OfficeDocumentRelationship + "/slide", "slides/slide1.xml"),
            ("rId3", OfficeDocumentRelationship + "/theme", "theme/theme1.xml")));
        package.Add("ppt/slideMasters/slideMaster1.xml", SlideMaster);
        package.Add("ppt/slideMasters/_rels/slideMaster1.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", OfficeDocumentRelationship + "/theme", "../theme/theme1.xml")));
        package.Add("ppt/slideLayouts/slideLayout1.xml", SlideLayout);
        package.Add("ppt/slideLayouts/_rels/slideLayout1.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/slideMaster", "../slideMasters/slideMaster1.xml")));
        package.Add("ppt/slides/slide1.xml", slide.ToString());
        package.Add("ppt/slides/_rels/slide1.xml.rels", Relationships(
            ("rId1", OfficeDocumentRelationship + "/slideLayout", "../slideLayouts/slideLayout1.xml")));
        package.Add("ppt/theme/theme1.xml", Theme);
        return package.ToArray();
    }

    private static void AppendDrawingParagraph(StringBuilder xml, string text)
    {
        if (text.Length == 0)
        {
            xml.Append("<a:p/>");
            return;
        }

        xml.Append("<a:p><a:r><a:t>");
        AppendEscaped(xml, text);
        xml.Append("</a:t></a:r></a:p>");
    }

    private const string PresentationNamespaces =
        "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
        + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" "
        + "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"";

    private const string GroupShapeProperties =
        "<p:nvGrpSpPr><p:cNvPr id=\"1\" name=\"\"/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>"
        + "<p:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" cy=\"0\"/><a:chOff x=\"0\" y=\"0\"/><a:chExt cx=\"0\" cy=\"0\"/></a:xfrm></p:grpSpPr>";

    // 16:9 slides, the size PowerPoint starts with.
    private static readonly string Presentation = XmlDeclaration + Compact($"""
        <p:presentation {PresentationNamespaces} saveSubsetFonts="1">
          <p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>
          <p:sldIdLst><p:sldId id="256" r:id="rId2"/></p:sldIdLst>
          <p:sldSz cx="12192000" cy="6858000"/>
          <p:notesSz cx="6858000" cy="9144000"/>
        </p:presentation>
        """);

    private static readonly string SlideMaster = XmlDeclaration + Compact($"""
        <p:sldMaster {PresentationNamespaces}>
          <p:cSld>
            <p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg>
            <p:spTree>
              {GroupShapeProperties}
              <p:sp>
                <p:nvSpPr>
                  <p:cNvPr id="2" name="Title Placeholder 1"/>
                  <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                  <p:nvPr><p:ph type="title"/></p:nvPr>
                </p:nvSpPr>
                <p:spPr>
                  <a:xfrm><a:off x="838200" y="365125"/><a:ext cx="10515600" cy="1325563"/></a:xfrm>
                  <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
                </p:spPr>
                <p:txBody>
                  <a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0" anchor="ctr"><a:normAutofit/></a:bodyPr>
                  <a:lstStyle/>
                  <a:p><a:r><a:t>Click to edit the title style</a:t></a:r></a:p>
                </p:txBody>
              </p:sp>
              <p:sp>
                <p:nvSpPr>
                  <p:cNvPr id="3" name="Text Placeholder 2"/>
                  <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                  <p:nvPr><p:ph type="body" idx="1"/></p:nvPr>
                </p:nvSpPr>
                <p:spPr>
                  <a:xfrm><a:off x="838200" y="1825625"/><a:ext cx="10515600" cy="4351338"/></a:xfrm>
                  <a:prstGeom prst="rect"><a:avLst/></a:prstGeom>
                </p:spPr>
                <p:txBody>
                  <a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0"><a:normAutofit/></a:bodyPr>
                  <a:lstStyle/>
                  <a:p><a:r><a:t>Click to edit the text style</a:t></a:r></a:p>
                </p:txBody>
              </p:sp>
            </p:spTree>
          </p:cSld>
          <p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>
          <p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>
          <p:txStyles>
            <p:titleStyle>
              <a:lvl1pPr algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">
                <a:lnSpc><a:spcPct val="90000"/></a:lnSpc>
                <a:spcBef><a:spcPct val="0"/></a:spcBef>
                <a:buNone/>
                <a:defRPr sz="4400" kern="1200">
                  <a:solidFill><a:schemeClr val="tx1"/></a:solidFill>
                  <a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/>
                </a:defRPr>
              </a:lvl1pPr>
            </p:titleStyle>
            <p:bodyStyle>
              <a:lvl1pPr marL="0" indent="0" algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">
                <a:lnSpc><a:spcPct val="90000"/></a:lnSpc>
                <a:spcBef><a:spcPts val="1000"/></a:spcBef>
                <a:buNone/>
                <a:defRPr sz="2800" kern="1200">
                  <a:solidFill><a:schemeClr val="tx1"/></a:solidFill>
                  <a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/>
                </a:defRPr>
              </a:lvl1pPr>
            </p:bodyStyle>
            <p:otherStyle>
              <a:lvl1pPr marL="0" algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">
                <a:defRPr sz="1800" kern="1200">
                  <a:solidFill><a:schemeClr val="tx1"/></a:solidFill>
                  <a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/>
                </a:defRPr>
              </a:lvl1pPr>
            </p:otherStyle>
          </p:txStyles>
        </p:sldMaster>
        """);

    private static readonly string SlideLayout = XmlDeclaration + Compact($"""
        <p:sldLayout {PresentationNamespaces} type="tx" preserve="1">
          <p:cSld name="Title and Text">
            <p:spTree>
              {GroupShapeProperties}
              <p:sp>
                <p:nvSpPr>
                  <p:cNvPr id="2" name="Title 1"/>
                  <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                  <p:nvPr><p:ph type="title"/></p:nvPr>
                </p:nvSpPr>
                <p:spPr/>
                <p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Click to edit the title style</a:t></a:r></a:p></p:txBody>
              </p:sp>
              <p:sp>
                <p:nvSpPr>
                  <p:cNvPr id="3" name="Text Placeholder 2"/>
                  <p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
                  <p:nvPr><p:ph type="body" idx="1"/></p:nvPr>
                </p:nvSpPr>
                <p:spPr/>
                <p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>Click to edit the text style</a:t></a:r></a:p></p:txBody>
              </p:sp>
            </p:spTree>
          </p:cSld>
          <p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr>
        </p:sldLayout>
        """);

    private static readonly string Theme = XmlDeclaration + Compact("""
        <a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme">
          <a:themeElements>
            <a:clrScheme name="Office">
              <a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1>
              <a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>
              <a:dk2><a:srgbClr val="44546A"/></a:dk2>
              <a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>
              <a:accent1><a:srgbClr val="4472C4"/></a:accent1>
              <a:accent2><a:srgbClr val="ED7D31"/></a:accent2>
              <a:accent3><a:srgbClr val="A5A5A5"/></a:accent3>
              <a:accent4><a:srgbClr val="FFC000"/></a:accent4>
              <a:accent5><a:srgbClr val="5B9BD5"/></a:accent5>
              <a:accent6><a:srgbClr val="70AD47"/></a:accent6>
              <a:hlink><a:srgbClr val="0563C1"/></a:hlink>
              <a:folHlink><a:srgbClr val="954F72"/></a:folHlink>
            </a:clrScheme>
            <a:fontScheme name="Office">
              <a:majorFont>
                <a:latin typeface="Calibri Light"/><a:ea typeface=""/><a:cs typeface=""/>
                <a:font script="Hang" typeface="Malgun Gothic"/>
              </a:majorFont>
              <a:minorFont>
                <a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>
                <a:font script="Hang" typeface="Malgun Gothic"/>
              </a:minorFont>
            </a:fontScheme>
            <a:fmtScheme name="Office">
              <a:fillStyleLst>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
              </a:fillStyleLst>
              <a:lnStyleLst>
                <a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>
                <a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>
                <a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>
              </a:lnStyleLst>
              <a:effectStyleLst>
                <a:effectStyle><a:effectLst/></a:effectStyle>
                <a:effectStyle><a:effectLst/></a:effectStyle>
                <a:effectStyle><a:effectLst/></a:effectStyle>
              </a:effectStyleLst>
              <a:bgFillStyleLst>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
                <a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
              </a:bgFillStyleLst>
            </a:fmtScheme>
          </a:themeElements>
          <a:objectDefaults/>
          <a:extraClrSchemeLst/>
        </a:theme>
        """);

    // ---- Shared parts -----------------------------------------------------------------------------------------------

    private static string ContentTypes(params (string PartName, string ContentType)[] overrides)
    {
        var xml = new StringBuilder()
            .Append(XmlDeclaration)
            .Append("<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">")
            .Append("<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>")
            .Append("<Default Extension=\"xml\" ContentType=\"application/xml\"/>");
        foreach (var (partName, contentType) in overrides)
        {
            xml.Append("<Override PartName=\"").Append(partName).Append("\" ContentType=\"").Append(contentType).Append("\"/>");
        }

        return xml.Append("<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>")
            .Append("</Types>")
            .ToString();
    }

    private static string RootRelationships(string mainPart) => Relationships(
        ("rId1", OfficeDocumentRelationship + "/officeDocument", mainPart),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"));

    private static string Relationships(params (string Id, string Type, string Target)[] relationships)
    {
        var xml = new StringBuilder()
            .Append(XmlDeclaration)
            .Append("<Relationships xmlns=\"").Append(RelationshipsNamespace).Append("\">");
        foreach (var (id, type, target) in relationships)
        {
            xml.Append("<Relationship Id=\"").Append(id).Append("\" Type=\"").Append(type).Append("\" Target=\"").Append(target).Append("\"/>");
        }

        return xml.Append("</Relationships>").ToString();
    }

    private static string CoreProperties(string title)
    {
        var xml = new StringBuilder()
            .Append(XmlDeclaration)
            .Append("<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ")
            .Append("xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>");
        AppendEscaped(xml, title);
        return xml.Append("</dc:title></cp:coreProperties>").ToString();
    }

    // ---- Text -------------------------------------------------------------------------------------------------------

    private static string CleanTitle(string title)
    {
        var oneLine = new StringBuilder(title.Length);
        var first = true;
        foreach (var line in title.AsSpan().EnumerateLines())
        {
            if (!first)
            {
                oneLine.Append(' ');
            }

            first = false;
            AppendXmlCharacters(oneLine, line);
        }

        return oneLine.ToString();
    }

    private static List<string> SplitLines(string? content)
    {
        var lines = new List<string>();
        if (string.IsNullOrEmpty(content))
        {
            return lines;
        }

        var buffer = new StringBuilder();
        foreach (var line in content.AsSpan().EnumerateLines())
        {
            buffer.Clear();
            AppendXmlCharacters(buffer, line);
            lines.Add(buffer.ToString());
        }

        // "a\n" enumerates as "a" and "": the final break ends the last line rather than starting a new one.
        if (lines.Count > 1 && IsLineBreak(content[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n' or '\f' or '\u0085' or '\u2028' or '\u2029';

    /// <summary>Appends the characters XML 1.0 allows and drops the rest (C0 controls but tab, lone surrogates, U+FFFE, U+FFFF).</summary>
    private static void AppendXmlCharacters(StringBuilder target, ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    target.Append(c).Append(text[i + 1]);
                    i++;
                }

                continue;
            }

            if (c is '\t' or '\n' or '\r' || (c >= '\u0020' && c <= '\uD7FF') || (c >= '\uE000' && c <= '\uFFFD'))
            {
                target.Append(c);
            }
        }
    }

    private static void AppendEscaped(StringBuilder xml, string text)
    {
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => xml.Append("&amp;"),
                '<' => xml.Append("&lt;"),
                '>' => xml.Append("&gt;"),
                '"' => xml.Append("&quot;"),
                _ => xml.Append(c),
            };
        }
    }

    private static string Compact(string xml) => WhitespaceBetweenTags().Replace(xml, "><").Trim();

    [GeneratedRegex(@">\s+<", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespaceBetweenTags();

    /// <summary>Writes parts into a ZIP archive in the order given, with fixed timestamps.</summary>
    private sealed class PackageWriter : IDisposable
    {
        private readonly MemoryStream _stream = new();
        private readonly ZipArchive _archive;

        public PackageWriter() => _archive = new ZipArchive(_stream, ZipArchiveMode.Create, leaveOpen: true);

        public void Add(string name, string xml)
        {
            var entry = _archive.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = EntryTimestamp;
            using var content = entry.Open();
            content.Write(Utf8.GetBytes(xml));
        }

        public byte[] ToArray()
        {
            _archive.Dispose();
            return _stream.ToArray();
        }

        public void Dispose()
        {
            _archive.Dispose();
            _stream.Dispose();
        }
    }
}
