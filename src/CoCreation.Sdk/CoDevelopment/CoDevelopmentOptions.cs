namespace CoCreation.Sdk.CoDevelopment;

/// <summary>Options of a co-development project, set with <c>AddCoDevelopment(o => …)</c> or bound from configuration.</summary>
public sealed class CoDevelopmentOptions
{
    /// <summary>The project id; store records, grants and event ids are scoped to it. Default <c>co-development</c>.</summary>
    public string ProjectId { get; set; } = "co-development";

    /// <summary>The project's name as messages and the workspace show it. Default <c>Co-development</c>.</summary>
    public string ProjectName { get; set; } = "Co-development";

    /// <summary>The registered name of the cloud workspace the project runs on. Required.</summary>
    public string CloudWorkspace { get; set; } = "";

    /// <summary>The SNS networks the call for participants and the milestone threads go to; empty for every registered network.</summary>
    public IList<string> Networks { get; } = [];

    /// <summary>The role a member gets when none is named at admission. Default <see cref="WorkspaceRole.Editor"/>.</summary>
    public WorkspaceRole DefaultRole { get; set; } = WorkspaceRole.Editor;

    /// <summary>
    /// How long changes are held after a message to a participant: the first change after a quiet period is
    /// relayed at once, later changes within the window are sent together as one digest when it ends.
    /// <see cref="TimeSpan.Zero"/> relays every change on its own. Default 10 minutes.
    /// </summary>
    public TimeSpan DigestWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an e-mail confirmation code stays valid. Default 30 minutes.</summary>
    public TimeSpan ConfirmationCodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Wrong codes allowed before the confirmation must be requested again. Default 5.</summary>
    public int MaxConfirmationAttempts { get; set; } = 5;

    /// <summary>The IANA time zone of the project calendar and of times in messages. Default <c>Asia/Seoul</c>.</summary>
    public string TimeZone { get; set; } = "Asia/Seoul";

    /// <summary>The company's name as messages show it. Default <c>CoCreation</c>.</summary>
    public string BrandName { get; set; } = "CoCreation";

    /// <summary>
    /// How messages name workspace roles, by role (<c>viewer</c>, <c>commenter</c>, <c>editor</c>) and culture
    /// (<c>RoleDisplayNames["editor"]["ko-KR"] = "공동 편집자"</c>). Roles and cultures not set here use the SDK's Korean
    /// and English names (뷰어, 댓글 작성자, 편집자; viewer, commenter, editor).
    /// </summary>
    /// <remarks>A name must not be blank nor hold control characters, bidirectional formatting or any of <c>{ } | =</c>; the relay rules check it when they are created.</remarks>
    public IDictionary<string, IDictionary<string, string>> RoleDisplayNames { get; } = new Dictionary<string, IDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name of a workspace role for people in a culture.</summary>
    /// <param name="role">The role.</param>
    /// <param name="culture">The culture name.</param>
    /// <returns>The configured name, else the SDK's.</returns>
    public string RoleDisplayNameFor(WorkspaceRole role, string culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var id = RoleId(role);
        return (RoleDisplayNames.TryGetValue(id, out var names) && names is not null ? MessageRenderer.ForCulture(names, culture) : null)
            ?? (MessageRenderer.LanguageOf(culture).Equals("ko", StringComparison.OrdinalIgnoreCase) ? KoreanRoleNames[role] : id);
    }

    /// <summary>The role's id in events and in <see cref="RoleDisplayNames"/>: <c>editor</c> for <see cref="WorkspaceRole.Editor"/>.</summary>
    internal static string RoleId(WorkspaceRole role) => role.ToString().ToLowerInvariant();

    private static readonly Dictionary<WorkspaceRole, string> KoreanRoleNames = new()
    {
        [WorkspaceRole.Viewer] = "뷰어",
        [WorkspaceRole.Commenter] = "댓글 작성자",
        [WorkspaceRole.Editor] = "편집자",
    };

    /// <summary>
    /// The selection rule of recruitment: whether an applicant may be selected at all. Eligible applicants are
    /// selected first come, first served up to <see cref="RecruitmentCall.Cap"/>; the rest wait. <see langword="null"/>
    /// (the default) makes everyone eligible.
    /// </summary>
    public Func<RecruitmentApplicant, bool>? Selection { get; set; }

    /// <summary>
    /// An optional moderation hook for the discussion log: returns <see langword="null"/> to accept an entry, or the
    /// reason it is filtered. Filtered entries are kept in the log with the reason. When <see langword="null"/> (the
    /// default), the opinions module's filters (banned words, link spam, repeated text, young accounts) apply if
    /// <c>AddOpinions()</c> registered them, and everything is accepted otherwise.
    /// </summary>
    public Func<DiscussionEntry, CancellationToken, ValueTask<string?>>? Moderation { get; set; }
}
