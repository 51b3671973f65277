using System.Text.Json;

namespace DongAFashion;

/// <summary>
/// How far a stored story got: the steps completed, the story's clock, and the ids of the records later steps
/// build on. Everything else (people, messages, orders, stock, grants) is in the providers' and the store's files.
/// </summary>
public sealed record ScenarioProgress
{
    public const string FileName = "progress.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public required string Language { get; init; }
    public required int Completed { get; init; }
    public required DateTimeOffset Clock { get; init; }
    public string? DesignId { get; init; }
    public string? FirstOrderId { get; init; }
    public string? ReorderId { get; init; }
    public string? ListingId { get; init; }
    public DateTimeOffset? ListedAt { get; init; }
    public IReadOnlyList<string> SaleIds { get; init; } = [];
    public IReadOnlyDictionary<string, int> Seen { get; init; } = new Dictionary<string, int>();

    /// <summary>The post id of the programme announcement on each network (step 1).</summary>
    public IReadOnlyDictionary<string, string> AnnouncementIds { get; init; } = new Dictionary<string, string>();

    /// <summary>The designer's own promotion post (step 8).</summary>
    public string? PromotionId { get; init; }

    /// <summary>The period the first daily report covered (step 11).</summary>
    public DateTimeOffset? ReportPeriodStart { get; init; }

    /// <summary>When the first daily report fell due (step 11).</summary>
    public DateTimeOffset? ReportPeriodEnd { get; init; }

    /// <summary>The step each sale was placed in.</summary>
    public IReadOnlyDictionary<string, int> SaleSteps { get; init; } = new Dictionary<string, int>();

    /// <summary>The tracking number each shipped sale got (step 10).</summary>
    public IReadOnlyDictionary<string, string> TrackingNumbers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The direct messages each completed step delivered, by network, recipient and message id. A later run reads
    /// them back from the networks' inboxes; a progress file without them (written by an older sample) cannot be
    /// re-verified and is refused.
    /// </summary>
    public IReadOnlyDictionary<int, IReadOnlyList<StepMessage>>? StepMessages { get; init; }

    /// <summary>Reads the progress file; <see langword="null"/> when there is none.</summary>
    public static ScenarioProgress? Load(string path)
        => File.Exists(path)
            ? JsonSerializer.Deserialize<ScenarioProgress>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"'{path}' is empty.")
            : null;

    /// <summary>Writes the file through a temporary one, so a crash leaves the old or the new progress, never half of one.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
