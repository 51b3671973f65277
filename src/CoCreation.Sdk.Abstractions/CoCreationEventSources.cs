namespace CoCreation.Sdk;

/// <summary>Builds and reads the <see cref="CoCreationEvent.Source"/> URIs of the SDK's providers.</summary>
/// <remarks>Sources look like <c>urn:cocreation:enterprise:shop</c>: kind, then the name the provider was registered under.</remarks>
public static class CoCreationEventSources
{
    private const string Prefix = "urn:cocreation:";

    /// <summary>The source of events from an enterprise adapter.</summary>
    /// <param name="name">The adapter's registered name.</param>
    /// <returns>The source URI.</returns>
    public static Uri Enterprise(string name) => new(Prefix + "enterprise:" + CoCreationGuard.NotBlank(name, nameof(name)));

    /// <summary>The source of events from a cloud workspace adapter.</summary>
    /// <param name="name">The adapter's registered name.</param>
    /// <returns>The source URI.</returns>
    public static Uri Workspace(string name) => new(Prefix + "workspace:" + CoCreationGuard.NotBlank(name, nameof(name)));

    /// <summary>The source of events the SDK's own modules raise.</summary>
    /// <param name="module">The module, for example <c>community-products</c>.</param>
    /// <returns>The source URI.</returns>
    public static Uri Module(string module) => new(Prefix + "module:" + CoCreationGuard.NotBlank(module, nameof(module)));

    /// <summary>The <see cref="IEventSource.Name"/> (cursor key) of a workspace's activity feed: <c>workspace:{adapter}:{workspace id}</c>.</summary>
    /// <param name="adapterName">The cloud workspace adapter's registered name.</param>
    /// <param name="workspaceId">The workspace id.</param>
    /// <returns>The source name.</returns>
    public static string WorkspaceActivitySourceName(string adapterName, string workspaceId)
        => "workspace:" + CoCreationGuard.NotBlank(adapterName, nameof(adapterName)) + ":" + CoCreationGuard.NotBlank(workspaceId, nameof(workspaceId));

    /// <summary>Reads the enterprise adapter name out of a source.</summary>
    /// <param name="source">The source.</param>
    /// <param name="name">The adapter name, when the source is an enterprise source.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryGetEnterpriseName(Uri source, out string name) => TryGet(source, "enterprise:", out name);

    /// <summary>Reads the workspace adapter name out of a source.</summary>
    /// <param name="source">The source.</param>
    /// <param name="name">The adapter name, when the source is a workspace source.</param>
    /// <returns>Whether it is one.</returns>
    public static bool TryGetWorkspaceName(Uri source, out string name) => TryGet(source, "workspace:", out name);

    private static bool TryGet(Uri source, string kind, out string name)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = source.OriginalString;
        if (text.StartsWith(Prefix + kind, StringComparison.Ordinal) && text.Length > Prefix.Length + kind.Length)
        {
            name = text[(Prefix.Length + kind.Length)..];
            return true;
        }

        name = "";
        return false;
    }
}
