using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk;

/// <summary>Registers the embedded providers with an <see cref="ICoCreationBuilder"/>.</summary>
public static class EmbeddedCoCreationBuilderExtensions
{
    /// <summary>Registers a connector to an embedded SNS, acting as the brand account whose credential is given.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The connector name; identities verified through it carry this network name.</param>
    /// <param name="network">The embedded network.</param>
    /// <param name="brandCredential">The brand account's credential.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEmbeddedSns(this ICoCreationBuilder builder, string name, EmbeddedSnsNetwork network, SnsCredential brandCredential)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(brandCredential);
        return builder.AddSnsConnector(name, _ => network.CreateConnector(name, brandCredential));
    }

    /// <summary>Registers a connector to an embedded cloud service, acting as the company.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The adapter name.</param>
    /// <param name="service">The embedded cloud service.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEmbeddedCloudWorkspace(this ICoCreationBuilder builder, string name, EmbeddedCloudService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return builder.AddCloudWorkspace(name, _ => service.CreateConnector(name));
    }

    /// <summary>Registers an embedded enterprise system under its own name.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="system">The system; it is registered under <c>system.Metadata.Name</c>.</param>
    /// <returns>The builder.</returns>
    public static ICoCreationBuilder AddEmbeddedEnterprise(this ICoCreationBuilder builder, EmbeddedEnterpriseSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return builder.AddEnterpriseAdapter(system.Metadata.Name, _ => system);
    }
}
