using CoCreation.Sdk;
using CoCreation.Sdk.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExampleSocial.Tests;

/// <summary>Builds the service provider an application would: <c>AddCoCreation().AddExampleSocial(...)</c>, with every log line kept.</summary>
internal static class TestHost
{
    public const string Name = "examplesocial";

    /// <summary>Every line any test host logged; tests assert that no token is among them.</summary>
    public static CollectingLoggerProvider Logs { get; } = new();

    public static ServiceProvider Build(Uri baseAddress, string brandToken, Action<ExampleSocialOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddCoCreation().AddExampleSocial(Name, options =>
        {
            options.BaseAddress = baseAddress;
            options.AccessToken = brandToken;
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider();
    }
}
