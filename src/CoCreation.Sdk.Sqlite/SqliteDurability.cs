namespace CoCreation.Sdk.Sqlite;

/// <summary>How much a committed change survives, traded against the cost of each commit.</summary>
public enum SqliteDurability
{
    /// <summary>
    /// Every commit is flushed to disk before <see cref="ICoCreationStore.ApplyAsync"/> returns
    /// (<c>synchronous=FULL</c>): committed changes survive a process crash, an OS crash and a power loss.
    /// The default.
    /// </summary>
    SurvivesPowerLoss,

    /// <summary>
    /// Commits are flushed at checkpoints only (<c>synchronous=NORMAL</c> in WAL mode): committed changes
    /// survive a process crash, but the last ones may be lost (never half-applied) on an OS crash or power
    /// loss. Several times faster per commit.
    /// </summary>
    SurvivesProcessCrash,
}
