namespace CoCreation.Sdk.Moderation;

/// <summary>The outcome of moderation for one item.</summary>
/// <param name="Accepted">Whether the item is counted and shown.</param>
/// <param name="Filter">The filter that held it back, when it was.</param>
/// <param name="Reason">Why, for people, when it was held back.</param>
public sealed record ModerationVerdict(bool Accepted, string? Filter = null, string? Reason = null)
{
    /// <summary>The verdict for an item no filter objected to.</summary>
    public static ModerationVerdict Accept { get; } = new(true);

    /// <summary>A verdict that holds an item back.</summary>
    /// <param name="filter">The filter's name.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The verdict.</returns>
    public static ModerationVerdict Reject(string filter, string reason) => new(false, filter, reason);
}
