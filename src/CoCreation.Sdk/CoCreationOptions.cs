namespace CoCreation.Sdk;

/// <summary>Options of the orchestrator, set with <c>AddCoCreation(o => …)</c>.</summary>
public sealed class CoCreationOptions
{
    /// <summary>How long a sign-in session is accepted. Default 12 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The locale new participants get when their network does not say. Default <c>ko-KR</c>.</summary>
    public string DefaultLocale { get; set; } = "ko-KR";

    /// <summary>The event relay's options.</summary>
    public RelayOptions Relay { get; } = new();
}
