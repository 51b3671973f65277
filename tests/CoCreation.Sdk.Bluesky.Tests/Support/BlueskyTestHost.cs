using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.Bluesky.Tests.Support;

/// <summary>A minimal <see cref="ICoCreationBuilder"/>, so these tests need only the adapter's own dependencies.</summary>
internal sealed class TestCoCreationBuilder(IServiceCollection services) : ICoCreationBuilder
{
    public IServiceCollection Services => services;
}

/// <summary>Builds a service provider with a Bluesky connector, with short timeouts and back-off.</summary>
internal static class BlueskyTestHost
{
    public const string Name = "bluesky-brand";

    public static ServiceProvider Build(Uri service, string identifier, string appPassword, Action<BlueskyOptions>? configure = null, ILoggerProvider? logs = null, TimeProvider? time = null, string name = Name)
    {
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        if (time is not null)
        {
            services.AddSingleton(time);
        }

        new TestCoCreationBuilder(services).AddBluesky(name, o =>
        {
            o.Service = service;
            o.Identifier = identifier;
            o.AppPassword = appPassword;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.TotalRequestTimeout = TimeSpan.FromSeconds(20);
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            o.MaxRetryAttempts = 2;
            o.MaxRetryAfter = TimeSpan.FromSeconds(3);
            configure?.Invoke(o);
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public static ServiceProvider Build(FakeBluesky fake, FakeAccount brand, Action<BlueskyOptions>? configure = null, ILoggerProvider? logs = null, TimeProvider? time = null)
        => Build(fake.Url, brand.Handle, brand.Password, configure, logs, time);

    public static BlueskyConnector Connector(this IServiceProvider provider, string name = Name)
        => (BlueskyConnector)provider.GetRequiredKeyedService<ISnsConnector>(name);
}
