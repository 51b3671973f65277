namespace DongAFashion.Local;

/// <summary>
/// Where the real local systems are: a Bluesky PDS, a Tryton ERP and a Vendure shop, as the peers' start scripts
/// (<c>eng/peers/*/up.sh</c>) write them into <c>artifacts/peers/*.env</c>.
/// </summary>
public sealed record LocalSettings
{
    public required Uri BlueskyUrl { get; init; }
    public required string HandleDomain { get; init; }
    public required Uri TrytonUrl { get; init; }
    public required string TrytonDatabase { get; init; }
    public required string TrytonUser { get; init; }
    public required string TrytonPassword { get; init; }
    public required Uri VendureAdminApi { get; init; }
    public required Uri VendureShopApi { get; init; }
    public required string VendureUser { get; init; }
    public required string VendurePassword { get; init; }

    /// <summary>The variables the settings are read from, each with the peer that writes it.</summary>
    public static readonly IReadOnlyList<(string Variable, string Peer)> Variables =
    [
        ("COCREATION_BLUESKY_URL", "bluesky"),
        ("COCREATION_TRYTON_URL", "tryton"),
        ("COCREATION_TRYTON_DATABASE", "tryton"),
        ("COCREATION_TRYTON_USER", "tryton"),
        ("COCREATION_TRYTON_PASSWORD", "tryton"),
        ("COCREATION_VENDURE_ADMIN_API", "vendure"),
        ("COCREATION_VENDURE_SHOP_API", "vendure"),
        ("COCREATION_VENDURE_ADMIN_USER", "vendure"),
        ("COCREATION_VENDURE_ADMIN_PASSWORD", "vendure"),
    ];

    /// <summary>Reads the settings from the environment, after loading any <c>*.env</c> files in <paramref name="peersDirectory"/>.</summary>
    /// <param name="peersDirectory">The folder the peers wrote their <c>.env</c> files to, or <see langword="null"/>.</param>
    /// <param name="missing">The variables that are not set, when the result is <see langword="null"/>.</param>
    public static LocalSettings? Load(string? peersDirectory, out IReadOnlyList<string> missing)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (peersDirectory is not null && Directory.Exists(peersDirectory))
        {
            foreach (var file in Directory.EnumerateFiles(peersDirectory, "*.env"))
            {
                foreach (var line in File.ReadAllLines(file))
                {
                    var equals = line.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0 && !line.StartsWith('#'))
                    {
                        // As the shell reads it: a value may be wrapped in single or double quotes.
                        var value = line[(equals + 1)..].Trim();
                        if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0])
                        {
                            value = value[1..^1];
                        }

                        values[line[..equals].Trim()] = value;
                    }
                }
            }
        }

        string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : values.GetValueOrDefault(name);
        missing = Variables.Where(v => Get(v.Variable) is null).Select(v => $"{v.Variable} (peer {v.Peer})").ToList();
        if (missing.Count > 0)
        {
            return null;
        }

        return new LocalSettings
        {
            BlueskyUrl = new Uri(Get("COCREATION_BLUESKY_URL")!),
            HandleDomain = Get("COCREATION_BLUESKY_HANDLE_DOMAIN") ?? ".test",
            TrytonUrl = new Uri(Get("COCREATION_TRYTON_URL")!),
            TrytonDatabase = Get("COCREATION_TRYTON_DATABASE")!,
            TrytonUser = Get("COCREATION_TRYTON_USER")!,
            TrytonPassword = Get("COCREATION_TRYTON_PASSWORD")!,
            VendureAdminApi = new Uri(Get("COCREATION_VENDURE_ADMIN_API")!),
            VendureShopApi = new Uri(Get("COCREATION_VENDURE_SHOP_API")!),
            VendureUser = Get("COCREATION_VENDURE_ADMIN_USER")!,
            VendurePassword = Get("COCREATION_VENDURE_ADMIN_PASSWORD")!,
        };
    }
}
