using CoCreation.Sdk.GoogleWorkspace;
using CoCreation.Sdk.GoogleWorkspace.Implementation;
using CoCreation.Sdk.Workspaces;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refit;

namespace CoCreation.Sdk;

/// <summary>Registers Google Workspace adapters with an <see cref="ICoCreationBuilder"/>.</summary>
public static class GoogleWorkspaceCoCreationBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="GoogleCloudWorkspace"/> under <paramref name="name"/> (a keyed <see cref="ICloudWorkspace"/>).
    /// Several names may use different accounts or parent folders.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name; accounts, workspaces and shares it returns carry it.</param>
    /// <param name="configure">Sets the options (at least a credential).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the adapter is first resolved.</remarks>
    public static ICoCreationBuilder AddGoogleWorkspace(this ICoCreationBuilder builder, string name, Action<GoogleWorkspaceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Configure(configure));
    }

    /// <summary>
    /// Registers a <see cref="GoogleCloudWorkspace"/> under <paramref name="name"/> with options bound from a configuration
    /// section, for example <c>CoCreation:Google</c> holding <c>ServiceAccountKeyFile</c> and <c>ParentFolderId</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="configuration">The section to bind <see cref="GoogleWorkspaceOptions"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddGoogleWorkspace(this ICoCreationBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        CoCreationGuard.NotBlank(name, nameof(name));
        return AddCore(builder, name, options => options.Bind(configuration));
    }

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends with; configure it further with <c>services.AddHttpClient(GoogleWorkspaceCoCreationBuilderExtensions.HttpClientName(name))</c>.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => "CoCreation.Sdk.GoogleWorkspace." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<GoogleWorkspaceOptions>> configureOptions)
    {
        // Refuse before anything is registered, so a duplicate leaves the collection as it was.
        builder.ThrowIfProviderRegistered(ProviderKind.CloudWorkspace, name);
        var services = builder.Services;

        configureOptions(services.AddOptions<GoogleWorkspaceOptions>(name).ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GoogleWorkspaceOptions>, GoogleWorkspaceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // One credential per adapter, so Google.Apis.Auth's token cache is shared by every request.
        services.TryAddKeyedSingleton<ITokenAccess>(CredentialKey(name), (sp, _) => GoogleCredentials.Create(sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name)));

        var http = services
            .AddKeyedRefitGeneratedClient<IGoogleApi>(ApiKey(name), _ => GoogleRefit.Settings, HttpClientName(name))
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name).ApiBaseAddress;

                // The pipeline's total timeout governs; HttpClient's own would cut retries short.
                client.Timeout = Timeout.InfiniteTimeSpan;
            });

        // Resilience outside, authorization inside: every attempt carries a current token.
        http.AddStandardResilienceHandler()
            .Configure((resilience, sp) => GoogleResilience.Configure(resilience, sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name), sp.GetRequiredService<TimeProvider>()));
        http.AddHttpMessageHandler(sp => new GoogleAuthHandler(
            name,
            new Lazy<ITokenAccess>(() => sp.GetRequiredKeyedService<ITokenAccess>(CredentialKey(name))),
            sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
            () => GoogleCredentialHealth.For(name, sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name))));

        return builder.AddCloudWorkspace(name, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name);

            // Resolving per call lets the factory rotate handlers under a long-lived adapter.
            return new GoogleCloudWorkspace(name, options, () => sp.GetRequiredKeyedService<IGoogleApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp));
        });
    }

    private static string ApiKey(string name) => "CoCreation.Sdk.GoogleWorkspace.Api." + name;

    private static string CredentialKey(string name) => "CoCreation.Sdk.GoogleWorkspace.Credential." + name;

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<GoogleCloudWorkspace>() ?? NullLogger<GoogleCloudWorkspace>.Instance;
}
