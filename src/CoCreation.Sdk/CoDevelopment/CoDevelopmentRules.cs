namespace CoCreation.Sdk.CoDevelopment;

/// <summary>The relay rules of the co-development module: which event reaches whom, and in what words.</summary>
/// <remarks>Every event of the module names its one recipient, so every rule sends to <see cref="RecipientSelector.SubjectParticipant"/>.</remarks>
public static class CoDevelopmentRules
{
    /// <summary>Creates the module's rules.</summary>
    /// <param name="options">The project's options; the brand name goes into every message, the role names into share messages.</param>
    /// <exception cref="CoCreationValidationException">A role name in the options is blank or holds control characters, bidirectional formatting or template syntax.</exception>
    /// <returns>The rules.</returns>
    public static IReadOnlyList<RelayRule> Create(CoDevelopmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MessageRenderer.CheckDisplayNames(options.RoleDisplayNames, nameof(options.RoleDisplayNames));

        return Definitions.Select(d => d with
        {
            Template = new MessageTemplate
            {
                Texts = d.Template.Texts.ToImmutableDictionary(t => t.Key, t => t.Value
                    .Replace(RolesToken, Roles(options, t.Key), StringComparison.Ordinal)
                    .Replace("{brand}", options.BrandName, StringComparison.Ordinal)),
            },
        }).ToList();
    }

    /// <summary>
    /// The rules of one project instance: only its events (event ids start with its project id), and for a named
    /// instance rule names of its own, so that several projects in one application neither answer each other's
    /// events nor share delivery keys. The default instance keeps the rule names of <see cref="Create"/>.
    /// </summary>
    internal static IReadOnlyList<RelayRule> ForInstance(CoDevelopmentOptions options, string? instance)
    {
        var prefix = options.ProjectId + ":";
        return Create(options).Select(r =>
        {
            var when = r.When;
            return r with
            {
                Name = instance is null ? r.Name : $"co-development.{instance}.{r.Name["co-development.".Length..]}",
                When = e => e.Id.StartsWith(prefix, StringComparison.Ordinal) && (when is null || when(e)),
            };
        }).ToList();
    }

    // Stands for the role names of each culture; replaced in Create.
    private const string RolesToken = "{roles}";

    private static string Roles(CoDevelopmentOptions options, string culture)
        => MessageRenderer.SelectArguments(Enum.GetValues<WorkspaceRole>().Select(r => KeyValuePair.Create(CoDevelopmentOptions.RoleId(r), options.RoleDisplayNameFor(r, culture))));

    /// <summary>The number of rules <see cref="Create"/> returns.</summary>
    public static int Count => Definitions.Length;

    private static readonly RelayRule[] Definitions =
    [
        Rule("admitted", CoDevelopmentEventTypes.Admitted,
            "[{brand}] {project}에 참여가 확정되었습니다. 확인된 이메일 {email}(으)로 작업 공간이 공유됩니다.",
            "[{brand}] You are in: welcome to {project}. The workspace will be shared with your confirmed address {email}."),
        Rule("shared", CoDevelopmentEventTypes.Shared,
            "[{brand}] {project} 작업 공간 '{workspace}'이(가) {role:select:{roles}} 권한으로 공유되었습니다: {url}",
            "[{brand}] The {project} workspace '{workspace}' is shared with you as {role:select:{roles}}: {url}"),
        Activity(WorkspaceActivityKind.DocumentCreated,
            "[{brand}] {project}: {actorKo} 님이 문서 '{title}'을(를) 만들었습니다.",
            "[{brand}] {project}: {actorEn} created the document '{title}'."),
        Activity(WorkspaceActivityKind.DocumentEdited,
            "[{brand}] {project}: {actorKo} 님이 문서 '{title}'을(를) 수정했습니다.",
            "[{brand}] {project}: {actorEn} edited the document '{title}'."),
        Activity(WorkspaceActivityKind.DocumentCommented,
            "[{brand}] {project}: {actorKo} 님이 문서 '{title}'에 댓글을 남겼습니다.",
            "[{brand}] {project}: {actorEn} commented on the document '{title}'."),
        Activity(WorkspaceActivityKind.EventScheduled,
            "[{brand}] {project}: 개발 일정에 '{title}'이(가) 등록되었습니다.",
            "[{brand}] {project}: '{title}' was added to the development calendar."),
        Activity(WorkspaceActivityKind.EventMoved,
            "[{brand}] {project}: {actorKo} 님이 일정 '{title}'을(를) 변경했습니다.",
            "[{brand}] {project}: {actorEn} moved the calendar entry '{title}'."),
        Activity(WorkspaceActivityKind.MemberAdded,
            "[{brand}] {project}: {targetKo} 님이 작업 공간에 참여했습니다.",
            "[{brand}] {project}: {targetEn} joined the workspace."),
        Activity(WorkspaceActivityKind.MemberRemoved,
            "[{brand}] {project}: {targetKo} 님이 작업 공간에서 나갔습니다.",
            "[{brand}] {project}: {targetEn} left the workspace."),
        Rule("digest", CoDevelopmentEventTypes.Digest,
            "[{brand}] {project} 작업 공간 변경 {quantity:count:건}:\n{summaryKo:lines}",
            "[{brand}] {project} workspace, {quantity:count:change|changes}:\n{summaryEn:lines}"),
        Rule("closed", CoDevelopmentEventTypes.Closed,
            "[{brand}] {project}이(가) 종료되어 작업 공간 접근 권한이 해제되었습니다 ({text}). 함께해 주셔서 감사합니다.",
            "[{brand}] {project} has closed and your access to its workspace has ended ({text}). Thank you for developing with us."),
    ];

    private static RelayRule Activity(WorkspaceActivityKind kind, string korean, string english)
    {
        var name = kind.ToString();
        return Rule("activity." + name, CoDevelopmentEventTypes.Activity, korean, english, e => e.GetData("kind") == name);
    }

    private static RelayRule Rule(string name, string type, string korean, string english, Func<CoCreationEvent, bool>? when = null) => new()
    {
        Name = "co-development." + name,
        EventType = type,
        Recipients = RecipientSelector.SubjectParticipant,
        Template = MessageTemplate.KoreanAndEnglish(korean, english),
        When = when,
    };
}
