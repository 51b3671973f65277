namespace CoCreation.Sdk.Embedded;

/// <summary>One saved revision of a document in an <see cref="EmbeddedCloudService"/>.</summary>
/// <param name="Number">The revision number, from 1.</param>
/// <param name="Content">The whole content at this revision.</param>
/// <param name="AuthorAccountId">The account that saved it (the company's owner account for revisions made through a connector).</param>
/// <param name="At">When it was saved.</param>
public sealed record DocumentRevision(int Number, string Content, string AuthorAccountId, DateTimeOffset At);
