using CoCreation.Sdk;
using CoCreation.Sdk.Embedded;
using Microsoft.Extensions.Configuration;

namespace CoDevelopmentSample;

/// <summary>The in-process worlds the story plays in: two social networks and a cloud service.</summary>
public sealed class EmbeddedWorld
{
    public EmbeddedWorld(TimeProvider clock)
    {
        Social = new EmbeddedSnsNetwork(null, clock);
        Micro = new EmbeddedSnsNetwork(null, clock);
        Cloud = new EmbeddedCloudService(null, clock);
        SocialBrand = Social.RegisterAccount("dong_a_living", "Dong-A Living");
        MicroBrand = Micro.RegisterAccount("dong_a_living", "Dong-A Living");
    }

    public EmbeddedSnsNetwork Social { get; }
    public EmbeddedSnsNetwork Micro { get; }
    public EmbeddedCloudService Cloud { get; }
    public EmbeddedSnsAccount SocialBrand { get; }
    public EmbeddedSnsAccount MicroBrand { get; }

    /// <summary>
    /// Whether the registered cloud workspace is <see cref="Cloud"/>. When it is another service (Google Workspace, Microsoft 365),
    /// the story cannot play the members' edits there or read the shares back, so it skips those checks.
    /// </summary>
    public bool CloudIsEmbedded { get; set; } = true;
}

/// <summary>A setting the sample cannot use.</summary>
public sealed class SampleConfigurationException(string message) : Exception(message);

/// <summary>
/// Registers the providers named in configuration (<c>CoDevelopment:Providers</c>). The module itself only sees
/// the registered names (<see cref="SocialNetwork"/>, <see cref="MicroNetwork"/>, <see cref="Workspace"/>), so
/// another provider is one more case here plus a configuration value: <c>CoDevelopment:Providers:CloudWorkspace=google</c>
/// runs the workspace on Google Workspace with the options in <c>CoDevelopment:Google</c>, and
/// <c>microsoft365</c> on Microsoft 365 with the options in <c>CoDevelopment:Microsoft365</c>.
/// </summary>
public static class SampleProviders
{
    public const string SocialNetwork = "social";
    public const string MicroNetwork = "micro";
    public const string Workspace = "workspace";

    public static void Register(ICoCreationBuilder builder, IConfiguration sample, EmbeddedWorld world)
    {
        var providers = sample.GetSection("Providers");
        var sns = providers["Sns"] ?? "embedded";
        switch (sns.Trim().ToLowerInvariant())
        {
            case "embedded":
                builder.AddEmbeddedSns(SocialNetwork, world.Social, world.SocialBrand.Credential)
                    .AddEmbeddedSns(MicroNetwork, world.Micro, world.MicroBrand.Credential);
                break;
            default:
                throw new SampleConfigurationException($"CoDevelopment:Providers:Sns is '{sns}'; this sample knows: embedded.");
        }

        var cloud = providers["CloudWorkspace"] ?? "embedded";
        switch (cloud.Trim().ToLowerInvariant())
        {
            case "embedded":
                builder.AddEmbeddedCloudWorkspace(Workspace, world.Cloud);
                world.CloudIsEmbedded = true;
                break;
            case "google":
                // Credentials and folders come from CoDevelopment:Google (GoogleWorkspaceOptions); validated at start.
                builder.AddGoogleWorkspace(Workspace, sample.GetSection("Google"));
                world.CloudIsEmbedded = false;
                break;
            case "microsoft365":
                // App registration, drive and calendar come from CoDevelopment:Microsoft365 (Microsoft365Options); validated at start.
                builder.AddMicrosoft365(Workspace, sample.GetSection("Microsoft365"));
                world.CloudIsEmbedded = false;
                break;
            default:
                throw new SampleConfigurationException($"CoDevelopment:Providers:CloudWorkspace is '{cloud}'; this sample knows: embedded, google, microsoft365.");
        }
    }
}
