namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// A Microsoft Graph change-notification subscription the adapter holds for a workspace: it watches the root of the
/// workspace's drive (<c>drives/{drive id}/root</c>, change type <c>updated</c>, the only kind Graph offers on drive
/// items). Its <c>clientState</c> is a random secret kept in memory and never part of this record.
/// </summary>
/// <param name="Id">Graph's subscription id (<c>subscriptionId</c> on every notification).</param>
/// <param name="WorkspaceId">The workspace (folder) it belongs to; a notification asks for this workspace's activity feed to be read.</param>
/// <param name="DriveId">The drive whose root it watches.</param>
/// <param name="Resource">The watched resource as sent to Graph, <c>drives/{drive id}/root</c>.</param>
/// <param name="Expiration">When Graph stops sending on it; scheduled work renews it before then.</param>
public sealed record Microsoft365Subscription(string Id, string WorkspaceId, string DriveId, string Resource, DateTimeOffset Expiration);
