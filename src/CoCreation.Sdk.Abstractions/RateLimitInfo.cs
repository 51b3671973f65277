namespace CoCreation.Sdk;

/// <summary>A provider's rate-limit state, as read from its response headers.</summary>
/// <param name="Limit">Requests allowed in the window.</param>
/// <param name="Remaining">Requests left in the window.</param>
/// <param name="ResetsAt">When the window resets.</param>
public sealed record RateLimitInfo(int Limit, int Remaining, DateTimeOffset ResetsAt);
