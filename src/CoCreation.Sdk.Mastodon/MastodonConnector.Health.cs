using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Mastodon;

/// <summary>The brand token's health reporting.</summary>
public sealed partial class MastodonConnector
{
    /// <summary>Where the brand token's health is reported; the core's monitor when one is registered.</summary>
    internal ICredentialHealthReporter HealthReporter
    {
        get => http.Health;
        init
        {
            http.Health = value;
            http.BrandCredential = new CredentialRef(Metadata.Name, "mastodon", "brand@" + options.Instance!.Authority);
        }
    }
}
