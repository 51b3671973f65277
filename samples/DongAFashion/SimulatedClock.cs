namespace DongAFashion;

/// <summary>
/// The scenario's clock: starts at a fixed instant and moves only when the story says so, so that
/// daily reports and settlement periods fall where the transcript says they do.
/// </summary>
public sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Moves the clock forward.</summary>
    /// <param name="delta">How far; not negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate)
        {
            _now += delta;
        }
    }

    /// <summary>Moves the clock forward to an instant.</summary>
    /// <param name="instant">The instant; not before now.</param>
    public void AdvanceTo(DateTimeOffset instant) => Advance(instant - GetUtcNow());
}
