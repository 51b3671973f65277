using System.Reflection;
using System.Runtime.CompilerServices;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.Tests.Shared;

/// <summary>
/// What an attacker inside the process can do to a session: build one without the SDK, or change the fields of
/// one the SDK issued, through reflection. Tests use it to prove that the SDK refuses every such session.
/// </summary>
internal static class SessionForgery
{
    /// <summary>A copy of <paramref name="original"/> with the given fields changed.</summary>
    public static ParticipantSession Alter(
        ParticipantSession original,
        Participant? participant = null,
        SnsIdentity? identity = null,
        DateTimeOffset? signedInAt = null,
        DateTimeOffset? expiresAt = null,
        string? token = null,
        string? sessionId = null)
    {
        var copy = (ParticipantSession)RuntimeHelpers.GetUninitializedObject(typeof(ParticipantSession));
        Set(copy, nameof(ParticipantSession.SessionId), sessionId ?? original.SessionId);
        Set(copy, nameof(ParticipantSession.Token), token ?? original.Token);
        Set(copy, nameof(ParticipantSession.Participant), participant ?? original.Participant);
        Set(copy, nameof(ParticipantSession.Identity), identity ?? original.Identity);
        Set(copy, nameof(ParticipantSession.SignedInAt), signedInAt ?? original.SignedInAt);
        Set(copy, nameof(ParticipantSession.ExpiresAt), expiresAt ?? original.ExpiresAt);
        Set(copy, nameof(ParticipantSession.Grants), original.Grants);
        return copy;
    }

    /// <summary>A session built from nothing for a participant, with a token of the right shape that the SDK never issued.</summary>
    public static ParticipantSession Forge(Participant participant, SnsIdentity identity, DateTimeOffset expiresAt)
    {
        var forged = (ParticipantSession)RuntimeHelpers.GetUninitializedObject(typeof(ParticipantSession));
        var id = Guid.NewGuid().ToString("N");
        Set(forged, nameof(ParticipantSession.SessionId), id);
        Set(forged, nameof(ParticipantSession.Token), $"cps1.{id}.forged-secret");
        Set(forged, nameof(ParticipantSession.Participant), participant);
        Set(forged, nameof(ParticipantSession.Identity), identity);
        Set(forged, nameof(ParticipantSession.SignedInAt), expiresAt.AddHours(-1));
        Set(forged, nameof(ParticipantSession.ExpiresAt), expiresAt);
        Set(forged, nameof(ParticipantSession.Grants), (IReadOnlyList<AccessGrant>)[]);
        return forged;
    }

    private static void Set(ParticipantSession session, string property, object? value)
    {
        var field = typeof(ParticipantSession).GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"ParticipantSession has no backing field for {property}.");
        field.SetValue(session, value);
    }
}
