using CoCreation.Sdk;
using CoCreation.Sdk.CoDevelopment;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoDevelopmentSample;

/// <summary>Builds the SDK from configuration and tells the story; the scenario tests call it too.</summary>
public static class SampleApp
{
    /// <summary>Runs the sample.</summary>
    /// <param name="configuration">The root configuration; the sample reads its <c>CoDevelopment</c> section.</param>
    /// <param name="inspector">
    /// Reads the cloud workspace back from its provider for the checks; <see langword="null"/> uses the embedded service's
    /// when the workspace is the embedded one, and leaves those checks out (saying so) for another provider.
    /// </param>
    /// <returns>The exit code: 0 when every expectation held, 1 when one failed, 2 for an unusable setting.</returns>
    public static async Task<int> RunAsync(IConfiguration configuration, IWorkspaceInspector? inspector = null)
    {
        var section = configuration.GetSection("CoDevelopment");
        var clock = new SimulatedClock(new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.Zero));
        var world = new EmbeddedWorld(clock);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        try
        {
            var builder = services.AddCoCreation();
            SampleProviders.Register(builder, section, world);
            builder.AddCoDevelopment(o =>
            {
                section.GetSection("Project").Bind(o);
                o.CloudWorkspace = SampleProviders.Workspace;
                if (o.Networks.Count == 0)
                {
                    o.Networks.Add(SampleProviders.SocialNetwork);
                }

                // A stand-in for the opinions module's filters: replies with links are kept but filtered.
                o.Moderation = (entry, _) => ValueTask.FromResult(entry.Text.Contains("http", StringComparison.OrdinalIgnoreCase) ? "links are not allowed in the discussion" : null);
            });
        }
        catch (SampleConfigurationException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        try
        {
            // What a host does at start: provider options (credentials, addresses) are checked before the story begins.
            if (provider.GetService<IAsyncStartupValidator>() is { } validator)
            {
                await validator.ValidateAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException)
        {
            var reasons = ex is AggregateException aggregate ? aggregate.InnerExceptions.Select(e => e.Message).Distinct() : [ex.Message];
            Console.Error.WriteLine(string.Join(Environment.NewLine, reasons));
            return 2;
        }

        if (provider.GetRequiredService<IOptions<CoDevelopmentOptions>>().Value.DigestWindow <= TimeSpan.Zero)
        {
            // The story shows digests; with no window every change goes out on its own and there is nothing to show.
            Console.Error.WriteLine("CoDevelopment:Project:DigestWindow must be longer than zero for this story (it shows digests).");
            return 2;
        }

        inspector ??= world.CloudIsEmbedded ? new EmbeddedWorkspaceInspector(world.Cloud) : null;
        var story = new CoDevelopmentStory(provider, world, clock, inspector);
        var failures = await story.RunAsync();
        Console.WriteLine();
        Console.WriteLine(new string('=', 72));
        Console.WriteLine(failures == 0
            ? $"All {story.Checks} expectations met."
            : $"{failures} of {story.Checks} expectations FAILED.");
        if (story.Unchecked > 0)
        {
            Console.WriteLine($"{story.Unchecked} checks of the workspace at its provider were not made: no inspector for this provider.");
        }
        return failures == 0 ? 0 : 1;
    }
}
