using CoCreation.Sdk;
using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Settings: appsettings.json next to the program, then environment variables with the COCREATION_ prefix
// (for example COCREATION_CoDevelopment__Project__DigestWindow=00:05:00).
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables("COCREATION_")
    .Build();
var section = configuration.GetSection("CoDevelopment");

Console.OutputEncoding = System.Text.Encoding.UTF8;
var clock = new SimulatedClock(new DateTimeOffset(2026, 5, 4, 0, 0, 0, TimeSpan.Zero));
var world = new EmbeddedWorld(clock);
var services = new ServiceCollection();
services.AddSingleton<TimeProvider>(clock);
try
{
    var builder = services.AddCoCreation();
    SampleProviders.Register(builder, section.GetSection("Providers"), world);
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
var window = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CoCreation.Sdk.CoDevelopment.CoDevelopmentOptions>>().Value.DigestWindow;
if (window <= TimeSpan.Zero)
{
    // The story shows digests; with no window every change goes out on its own and there is nothing to show.
    Console.Error.WriteLine("CoDevelopment:Project:DigestWindow must be longer than zero for this story (it shows digests).");
    return 2;
}

var story = new CoDevelopmentStory(provider, world, clock);
var failures = await story.RunAsync();
Console.WriteLine();
Console.WriteLine(new string('=', 72));
Console.WriteLine(failures == 0
    ? $"All {story.Checks} expectations met."
    : $"{failures} of {story.Checks} expectations FAILED.");
return failures == 0 ? 0 : 1;
