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

    /// <summary>Whether this is a step a previous run completed, checked again against the providers.</summary>
    public bool Reverified { get; init; }
}

/// <summary>A direct message a step delivered, as recorded for reading it back from the recipient's inbox.</summary>
/// <param name="Network">The connector name ("social", "micro").</param>
/// <param name="Subject">The recipient's subject on that network.</param>
/// <param name="Id">The message id at the network.</param>
public sealed record StepMessage(string Network, string Subject, string Id);

/// <summary>A step's check did not hold.</summary>
public sealed class ScenarioCheckException(string message) : Exception(message);
