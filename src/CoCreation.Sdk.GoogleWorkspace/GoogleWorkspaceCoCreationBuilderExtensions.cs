using CoCreation.Sdk.GoogleWorkspace;
using CoCreation.Sdk.GoogleWorkspace.Implementation;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Workspaces;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

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
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<GoogleWorkspaceOptions>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends with; configure it further with <c>services.AddHttpClient(GoogleWorkspaceCoCreationBuilderExtensions.HttpClientName(name))</c>.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    private const string Package = "CoCreation.Sdk.GoogleWorkspace";

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<GoogleWorkspaceOptions>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<GoogleWorkspaceOptions, GoogleWorkspaceOptionsValidator>(ProviderKind.CloudWorkspace, name, Package, configureOptions);
        var services = builder.Services;

        // One credential per adapter, so Google.Apis.Auth's token cache is shared by every request.
        services.TryAddKeyedSingleton<ITokenAccess>(CredentialKey(name), (sp, _) => GoogleCredentials.Create(adapter.Options(sp)));

        // Resilience outside, authorization inside: every attempt carries a current token.
        adapter
            .ConfigureHttpClient(
                services.AddKeyedRefitGeneratedClient<IGoogleApi>(ApiKey(name), _ => GoogleRefit.Settings, adapter.HttpClientName),
                options => options.ApiBaseAddress,
                GoogleHttp.RetryRules)
            .AddHttpMessageHandler(sp => new GoogleAuthHandler(
                name,
                new Lazy<ITokenAccess>(() => sp.GetRequiredKeyedService<ITokenAccess>(CredentialKey(name))),
                sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
                () => GoogleCredentialHealth.For(name, adapter.Options(sp))));

        // Push: channel renewal is work for the SDK's scheduler, and notifications come in through the pipeline.
        builder.AddScheduledWork(sp => new GooglePushChannelRenewal(() => Adapter(sp, name), sp.GetRequiredService<IOptionsMonitor<GoogleWorkspaceOptions>>().Get(name).PushChannelRenewBefore, Logger(sp)));
        builder.AddWebhookReceiver(sp => new GooglePushReceiver(name, () => Adapter(sp, name)));

        // Resolving per call lets the factory rotate handlers under a long-lived adapter.
        return builder.AddCloudWorkspace(name, sp =>
            new GoogleCloudWorkspace(name, adapter.Options(sp), () => sp.GetRequiredKeyedService<IGoogleApi>(ApiKey(name)), sp.GetRequiredService<TimeProvider>(), Logger(sp)));
    }

    private static GoogleCloudWorkspace Adapter(IServiceProvider services, string name)
        => (GoogleCloudWorkspace)services.GetRequiredKeyedService<ICloudWorkspace>(name);

    private static string ApiKey(string name) => "CoCreation.Sdk.GoogleWorkspace.Api." + name;

    private static string CredentialKey(string name) => "CoCreation.Sdk.GoogleWorkspace.Credential." + name;

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<GoogleCloudWorkspace>() ?? NullLogger<GoogleCloudWorkspace>.Instance;
}
