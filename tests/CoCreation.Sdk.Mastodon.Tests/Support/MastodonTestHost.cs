using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Mastodon.Tests.Support;

/// <summary>A minimal <see cref="ICoCreationBuilder"/>, so these tests need only the adapter's own dependencies.</summary>
internal sealed class TestCoCreationBuilder(IServiceCollection services) : ICoCreationBuilder
{
    public IServiceCollection Services => services;
}

/// <summary>Builds a service provider with a Mastodon connector pointed at a fake, with short timeouts and back-off.</summary>
internal static class MastodonTestHost
{
    public const string Name = "mastodon-brand";

    public static ServiceProvider Build(FakeMastodon fake, string brandToken, Action<MastodonOptions>? configure = null, ILoggerProvider? logs = null, string name = Name)
    {
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        new TestCoCreationBuilder(services).AddMastodon(name, o => Fast(o, fake, brandToken, configure));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public static void Fast(MastodonOptions options, FakeMastodon fake, string brandToken, Action<MastodonOptions>? configure = null)
    {
        options.Instance = fake.Url;
        options.AccessToken = brandToken;
        options.AttemptTimeout = TimeSpan.FromSeconds(2);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(10);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRetryAttempts = 2;
        options.MaxRetryAfter = TimeSpan.FromSeconds(3);
        configure?.Invoke(options);
    }

    public static MastodonConnector Connector(this IServiceProvider provider, string name = Name)
        => (MastodonConnector)provider.GetRequiredKeyedService<ISnsConnector>(name);
}
