using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CoCreation.Sdk.GoogleWorkspace.Tests.Support;

/// <summary>A minimal <see cref="ICoCreationBuilder"/>, so these tests need only the adapter's own dependencies.</summary>
internal sealed class TestCoCreationBuilder(IServiceCollection services) : ICoCreationBuilder
{
    public IServiceCollection Services => services;
}

/// <summary>Builds a service provider with a Google Workspace adapter pointed at the fakes, with short timeouts and back-off.</summary>
internal static class GoogleTestHost
{
    public const string Name = "google";

    /// <summary>An adapter on a user's OAuth tokens whose access token the fake already accepts.</summary>
    public static ServiceProvider Build(FakeGoogle fake, Action<GoogleWorkspaceOptions>? configure = null, ILoggerProvider? logs = null, TimeProvider? time = null)
    {
        var accessToken = fake.IssueAccessToken();
        return BuildWith(o =>
        {
            o.ClientId = "client-1.apps.fake.test";
            o.ClientSecret = "client-secret-do-not-log";
            o.RefreshToken = "refresh-token-do-not-log";
            o.AccessToken = accessToken;
            o.AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddHours(1);
            o.TokenEndpoint = new Uri(fake.Url, "token-endpoint-unused");
            Fast(o, fake);
            configure?.Invoke(o);
        }, logs, time);
    }

    public static ServiceProvider BuildWith(Action<GoogleWorkspaceOptions> configure, ILoggerProvider? logs = null, TimeProvider? time = null)
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

        new TestCoCreationBuilder(services).AddGoogleWorkspace(Name, configure);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public static void Fast(GoogleWorkspaceOptions options, FakeGoogle fake)
    {
        options.ApiBaseAddress = fake.Url;
        options.AttemptTimeout = TimeSpan.FromSeconds(5);
        options.TotalRequestTimeout = TimeSpan.FromSeconds(20);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
        options.MaxRetryAttempts = 3;
        options.MaxRetryAfter = TimeSpan.FromSeconds(3);
        options.PushAddress = new Uri("https://hooks.example.test/google");
    }

    public static GoogleCloudWorkspace Workspace(this IServiceProvider provider)
        => (GoogleCloudWorkspace)provider.GetRequiredKeyedService<ICloudWorkspace>(Name);
}
