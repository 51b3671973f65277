using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>Builds the blank Word, Excel and PowerPoint files a workspace starts with when no template is configured.</summary>
internal static class OfficeStarterDocuments
{
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
    internal static byte[] Create(DocumentKind kind, string title, string? initialContent)
        => throw new NotSupportedException("Starter documents are being built (issue 16).");
}
