using CoCreation.Sdk.Http;
using CoCreation.Sdk.Microsoft365;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Microsoft365.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;

namespace CoCreation.Sdk;

/// <summary>Registers Microsoft 365 adapters with an <see cref="ICoCreationBuilder"/>.</summary>
public static class Microsoft365CoCreationBuilderExtensions
{
    private const string Package = "CoCreation.Sdk.Microsoft365";

    /// <summary>
    /// Registers a <see cref="Microsoft365CloudWorkspace"/> under <paramref name="name"/> (a keyed
    /// <see cref="Workspaces.ICloudWorkspace"/>). Several names may use different tenants, drives or calendars.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name; accounts, workspaces and shares it returns carry it.</param>
    /// <param name="configure">Sets the options (at least tenant, client, one credential, drive and calendar).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    /// <remarks>The options are validated when the host starts (<c>ValidateOnStart</c>) and when the adapter is first resolved.</remarks>
    public static ICoCreationBuilder AddMicrosoft365(this ICoCreationBuilder builder, string name, Action<Microsoft365Options> configure)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.ConfigureWith(configure));

    /// <summary>
    /// Registers a <see cref="Microsoft365CloudWorkspace"/> under <paramref name="name"/> with options bound from a
    /// configuration section, for example <c>CoCreation:Microsoft365</c> holding <c>TenantId</c>, <c>ClientId</c>,
    /// <c>CertificatePath</c>, <c>DriveId</c> and <c>CalendarUserId</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="configuration">The section to bind <see cref="Microsoft365Options"/> from.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="CoCreationValidationException">The name is blank or already registered.</exception>
    public static ICoCreationBuilder AddMicrosoft365(this ICoCreationBuilder builder, string name, IConfiguration configuration)
        => AddCore(builder, name, HttpAdapterBuilderExtensions.BindTo<Microsoft365Options>(configuration));

    /// <summary>The name of the <see cref="HttpClient"/> an adapter registered under <paramref name="name"/> sends Graph requests with.</summary>
    /// <param name="name">The adapter name.</param>
    /// <returns>The HTTP client name.</returns>
    public static string HttpClientName(string name) => Package + "." + name;

    /// <summary>The service key under which an adapter's <see cref="IGraphAccessTokens"/> is registered.</summary>
    internal static string TokensKey(string name) => Package + ".Tokens." + name;

    private static ICoCreationBuilder AddCore(ICoCreationBuilder builder, string name, Action<OptionsBuilder<Microsoft365Options>> configureOptions)
    {
        var adapter = builder.AddHttpAdapter<Microsoft365Options, Microsoft365OptionsValidator>(ProviderKind.CloudWorkspace, name, Package, configureOptions);
        var services = builder.Services;
        var identityClient = adapter.HttpClientName + ".Identity";
        services.AddHttpClient(identityClient).ConfigurePrimaryHttpMessageHandler(sp => IdentityHandler(adapter.Options(sp)));

        // One token source per adapter, so MSAL's token cache serves every request. A test may register its own first.
        services.TryAddKeyedSingleton<IGraphAccessTokens>(TokensKey(name), (sp, _) => MsalGraphAccessTokens.Create(
            adapter.Options(sp),
            () => sp.GetRequiredService<IHttpClientFactory>().CreateClient(identityClient),
            sp.GetRequiredService<TimeProvider>()));

        // Resilience outside (429/503 with Retry-After), then Kiota's $-name decoding, then the bearer token on every attempt.
        adapter.AddHttpClient(null, GraphHttp.RetryRules)
            .AddHttpMessageHandler(() => new ParametersNameDecodingHandler())
            .AddHttpMessageHandler(sp => new GraphAuthHandler(
                name,
                adapter.Options(sp).GraphBaseAddress,
                new Lazy<IGraphAccessTokens>(() => sp.GetRequiredKeyedService<IGraphAccessTokens>(TokensKey(name))),
                Logger(sp),
                sp.GetService<Health.ICredentialHealthReporter>() ?? Health.NullCredentialHealthReporter.Instance,
                () => CredentialRef(name, adapter.Options(sp))));

        // Change notifications: subscriptions renewed by the SDK's scheduler, notifications verified by the receiver.
        Microsoft365Notifications.Register(builder, name, sp => new GraphSubscriptionManager(
            () => Adapter(sp, name).CreateGraphClient(), name, adapter.Options(sp), sp.GetRequiredService<TimeProvider>(), Logger(sp)));

        // Creating the client per call lets the factory rotate handlers under a long-lived adapter.
        return builder.AddCloudWorkspace(name, sp =>
        {
            var workspace = new Microsoft365CloudWorkspace(name, adapter.Options(sp), () => adapter.CreateClient(sp), sp.GetRequiredService<TimeProvider>(), Logger(sp));
            workspace.UseSubscriptions(() => Microsoft365Notifications.GetManager(sp, name));
            return workspace;
        });
    }

    /// <summary>Names the app registration in health records: client id and tenant, never the secret or certificate.</summary>
    internal static Health.CredentialRef CredentialRef(string name, Microsoft365Options options)
        => new(name, Microsoft365CloudWorkspace.ProviderKind, $"app {options.ClientId ?? "(none)"} in tenant {options.TenantId ?? "(none)"}");

    // The sign-in client trusts exactly the configured authority certificate when one is given (a private PKI), else the system.
    private static HttpMessageHandler IdentityHandler(Microsoft365Options options)
    {
        var handler = new SocketsHttpHandler();
        if (string.IsNullOrWhiteSpace(options.TrustedAuthorityCertificatePath))
        {
            return handler;
        }

        var authority = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(options.TrustedAuthorityCertificatePath);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != System.Net.Security.SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        return handler;
    }

    private static Microsoft365CloudWorkspace Adapter(IServiceProvider services, string name)
        => (Microsoft365CloudWorkspace)services.GetRequiredKeyedService<Workspaces.ICloudWorkspace>(name);

    private static ILogger Logger(IServiceProvider services)
        => services.GetService<ILoggerFactory>()?.CreateLogger<Microsoft365CloudWorkspace>() ?? NullLogger<Microsoft365CloudWorkspace>.Instance;
}
