namespace CoCreation.Sdk.Health;

/// <summary>Where a stored credential (a token, a session, an app password) stands.</summary>
public enum CredentialState
{
    /// <summary>Nothing has been reported yet.</summary>
    Unknown,

    /// <summary>The latest call or refresh with the credential succeeded.</summary>
    Healthy,

    /// <summary>
    /// The provider refused the credential for good (a revoked or expired refresh token, a wrong password): no retry or
    /// refresh helps, a person has to authorise the account again.
    /// </summary>
    NeedsReauth,
}

/// <summary>Names one credential: the provider it was registered under, the platform and the account it acts as.</summary>
/// <param name="Provider">The name the provider was registered under, for example <c>brand-bluesky</c>.</param>
/// <param name="Platform">The platform, for example <c>bluesky</c>, <c>google-workspace</c>, <c>mastodon</c>, <c>tryton</c>.</param>
/// <param name="Account">The account or subject the credential acts as (a handle, a user name, a client id), never the secret.</param>
public sealed record CredentialRef(string Provider, string Platform, string Account)
{
    /// <summary>The key that tells credentials apart: provider and account.</summary>
    public string Key => $"{Provider}\n{Account}";

    /// <inheritdoc />
    public override string ToString() => $"{Platform}:{Provider}/{Account}";
}

/// <summary>The health of one credential, as last reported.</summary>
public sealed record CredentialHealthRecord
{
    /// <summary>Which credential.</summary>
    public required CredentialRef Credential { get; init; }

    /// <summary>Where it stands.</summary>
    public required CredentialState State { get; init; }

    /// <summary>Why it is in <see cref="State"/> (for example <c>invalid_grant</c>); never a token, password or secret.</summary>
    public string? Reason { get; init; }

    /// <summary>Since when it has been in <see cref="State"/>.</summary>
    public required DateTimeOffset Since { get; init; }
}

/// <summary>A credential moved to <see cref="CredentialState.NeedsReauth"/>: raised once per transition, not per failing call.</summary>
public sealed record CredentialNeedsReauthEvent
{
    /// <summary>The event type as the relay sees it.</summary>
    public const string EventType = "com.cocreation.credential.needs-reauth";

    /// <summary>Which credential.</summary>
    public required CredentialRef Credential { get; init; }

    /// <summary>Why, without secrets.</summary>
    public required string Reason { get; init; }

    /// <summary>When the provider refused it.</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>
    /// The event for the relay: type <see cref="EventType"/>, source <c>urn:cocreation:module:credential-health</c>, and
    /// data keys <c>provider</c>, <c>platform</c>, <c>account</c> and <c>reason</c>.
    /// </summary>
    /// <returns>The event; its id is the same for the same credential and detection time.</returns>
    public CoCreationEvent ToCoCreationEvent() => new()
    {
        Id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{Credential.Key}\n{DetectedAt.UtcTicks}")))[..32],
        Source = CoCreationEventSources.Module("credential-health"),
        Type = EventType,
        Time = DetectedAt,
        Subject = $"{Credential.Provider}/{Credential.Account}",
        Data = System.Collections.Immutable.ImmutableDictionary<string, string>.Empty
            .Add("provider", Credential.Provider)
            .Add("platform", Credential.Platform)
            .Add("account", Credential.Account)
            .Add("reason", Reason),
    };
}
