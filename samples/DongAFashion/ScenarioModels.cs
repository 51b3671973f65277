namespace DongAFashion;

/// <summary>One SNS message a person of the story received during a step.</summary>
/// <param name="Person">Who received it.</param>
/// <param name="Network">On which network.</param>
/// <param name="Kind">DM or mention.</param>
/// <param name="Text">What it said.</param>
public sealed record ReceivedMessage(string Person, string Network, string Kind, string Text);

/// <summary>The outcome of one of the 17 steps.</summary>
public sealed record StepResult
{
    public required int Number { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required IReadOnlyList<string> Details { get; init; }
    public required IReadOnlyList<ReceivedMessage> Messages { get; init; }
    public required string Check { get; init; }
    public required bool Passed { get; init; }
    public string? Failure { get; init; }
}

/// <summary>A step's check did not hold.</summary>
public sealed class ScenarioCheckException(string message) : Exception(message);
