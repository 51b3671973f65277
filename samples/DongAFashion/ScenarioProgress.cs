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
