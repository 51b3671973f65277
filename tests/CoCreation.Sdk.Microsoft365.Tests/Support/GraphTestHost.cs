using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Microsoft365.Tests.Support;

/// <summary>A minimal <see cref="ICoCreationBuilder"/>, so these tests need only the adapter's own dependencies.</summary>
internal sealed class TestCoCreationBuilder(IServiceCollection services) : ICoCreationBuilder
{
    public IServiceCollection Services => services;
}

/// <summary>
/// Gives Graph tokens the fake issues: the cached token until a forced refresh, which issues a new one. Counts forced
/// refreshes, so tests can prove a 401 leads to exactly one.
/// </summary>
internal sealed class FakeGraphTokens(Func<string> issue, string? first = null) : IGraphAccessTokens
{
    private readonly object gate = new();
    private string current = first ?? issue();
    private int forced;

    public int ForcedRefreshes => Volatile.Read(ref forced);

    public IReadOnlyList<string> Issued { get; private set; } = [];

    public ValueTask<string> GetAccessTokenAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (forceRefresh)
            {
                forced++;
                current = issue();
            }

            Issued = [.. Issued, current];
            return ValueTask.FromResult(current);
        }
    }
}

/// <summary>Small local template files, one per document kind, as a company would configure them.</summary>
internal static class TestTemplates
{
    private static readonly Lazy<IReadOnlyDictionary<DocumentKind, string>> Files = new(() =>
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "cocreation-m365-templates-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var result = new Dictionary<DocumentKind, string>();
        foreach (var kind in Enum.GetValues<DocumentKind>())
        {
            var path = Path.Combine(folder, "starter" + OfficeStarterDocuments.Extension(kind));
            File.WriteAllBytes(path, [0x50, 0x4B, 0x03, 0x04, .. System.Text.Encoding.UTF8.GetBytes("template " + kind)]);
            result[kind] = path;
        }

        return result;
    });

    public static IReadOnlyDictionary<DocumentKind, string> All => Files.Value;

    /// <summary>A .docx template just over the simple-upload limit, so documents go through an upload session.</summary>
    public static string Large()
    {
        var path = Path.Combine(Path.GetDirectoryName(All[DocumentKind.Document])!, "large.docx");
        if (!File.Exists(path))
        {
            var bytes = new byte[Microsoft365CloudWorkspace.SimpleUploadLimit + 1_000_003];
            new Random(16).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }

        return path;
    }
}

/// <summary>Builds a service provider with a Microsoft 365 adapter pointed at the fake Graph, with short timeouts and back-off.</summary>
internal static class GraphTestHost
{
    public const string Name = "m365";

    public const string Secret = "client-secret-do-not-log";

    public static ServiceProvider Build(FakeGraph fake, Action<Microsoft365Options>? configure = null, ILoggerProvider? logs = null, FakeGraphTokens? tokens = null)
    {
        tokens ??= new FakeGraphTokens(() => fake.IssueAccessToken());
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        // Registered first, so the adapter's TryAdd keeps it instead of MSAL.
        services.AddKeyedSingleton<IGraphAccessTokens>(Microsoft365CoCreationBuilderExtensions.TokensKey(Name), tokens);
        new TestCoCreationBuilder(services).AddMicrosoft365(Name, o =>
        {
            Configure(o, fake);
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public static void Configure(Microsoft365Options options, FakeGraph fake)
    {
        options.GraphBaseAddress = fake.GraphBase;
        options.TenantId = "contoso.test";
        options.ClientId = "11111111-2222-3333-4444-555555555555";
        options.ClientSecret = Secret;
        options.DriveId = fake.DriveId;
        options.CalendarUserId = fake.Owner.UserPrincipalName;
        options.SendInvitation = false;
        options.Templates = new Dictionary<DocumentKind, string>(TestTemplates.All);
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(20);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRetryAttempts = 3;
        options.MaxRetryAfter = TimeSpan.FromSeconds(3);
    }

    public static Microsoft365CloudWorkspace Workspace(this IServiceProvider provider)
        => (Microsoft365CloudWorkspace)provider.GetRequiredKeyedService<ICloudWorkspace>(Name);
}
