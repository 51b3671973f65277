namespace CoCreation.Sdk.CoDevelopment;

/// <summary>One line per workspace change, for digests, in Korean and English.</summary>
/// <remarks>Names and titles are neutralised to one line each, so a title cannot add lines of its own to a digest.</remarks>
internal static class CoDevelopmentText
{
    public static string Korean(PendingChange change)
    {
        var actor = MessageRenderer.Neutralize(change.ActorName ?? "회사");
        var target = MessageRenderer.Neutralize(change.TargetName ?? "새 멤버");
        return change.Kind switch
        {
            WorkspaceActivityKind.DocumentCreated => $"{actor}: 문서 '{target}' 생성",
            WorkspaceActivityKind.DocumentEdited => $"{actor}: 문서 '{target}' 수정",
            WorkspaceActivityKind.DocumentCommented => $"{actor}: 문서 '{target}'에 댓글",
            WorkspaceActivityKind.EventScheduled => $"{actor}: 일정 '{target}' 등록",
            WorkspaceActivityKind.EventMoved => $"{actor}: 일정 '{target}' 변경",
            WorkspaceActivityKind.MemberAdded => $"{target} 님 참여",
            WorkspaceActivityKind.MemberRemoved => $"{target} 님 나감",
            _ => $"{actor}: {change.Kind}",
        };
    }

    public static string English(PendingChange change)
    {
        var actor = MessageRenderer.Neutralize(change.ActorName ?? "the company");
        var target = MessageRenderer.Neutralize(change.TargetName ?? "a member");
        return change.Kind switch
        {
            WorkspaceActivityKind.DocumentCreated => $"{actor} created '{target}'",
            WorkspaceActivityKind.DocumentEdited => $"{actor} edited '{target}'",
            WorkspaceActivityKind.DocumentCommented => $"{actor} commented on '{target}'",
            WorkspaceActivityKind.EventScheduled => $"{actor} scheduled '{target}'",
            WorkspaceActivityKind.EventMoved => $"{actor} moved '{target}'",
            WorkspaceActivityKind.MemberAdded => $"{target} joined",
            WorkspaceActivityKind.MemberRemoved => $"{target} left",
            _ => $"{actor}: {change.Kind}",
        };
    }
}
