using System.Security.Cryptography.X509Certificates;
using CoCreation.Sdk.Http;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Microsoft365;

/// <summary>
/// Options of one Microsoft 365 workspace adapter: the company's app registration (MSAL confidential client), where
/// workspaces live (a drive and a parent folder), whose calendar holds milestones, and how change notifications reach
/// the host. Bind them from configuration or set them in code; they are validated when the host starts.
/// </summary>
/// <remarks>Secrets (<see cref="ClientSecret"/>, <see cref="CertificatePassword"/>) never appear in <see cref="ToString"/>, logs or exception messages.</remarks>
public sealed class Microsoft365Options : HttpAdapterOptions
{
    /// <summary>Creates options with Microsoft Graph's public addresses and timeouts suited to Graph.</summary>
    public Microsoft365Options()
    {
        AttemptTimeout = TimeSpan.FromSeconds(30);
        TotalRequestTimeout = TimeSpan.FromMinutes(2);
        MaxRetryAfter = TimeSpan.FromSeconds(30);
    }

    /// <summary>The scope a confidential client asks for: every application permission granted to the app.</summary>
    public static IReadOnlyList<string> DefaultScopes { get; } = ["https://graph.microsoft.com/.default"];

    /// <summary>Microsoft Graph's address with its version segment. Default <c>https://graph.microsoft.com/v1.0/</c>.</summary>
    public Uri GraphBaseAddress { get; set; } = new("https://graph.microsoft.com/v1.0/");

    /// <summary>The directory (tenant) id or domain of the company's Microsoft Entra tenant. Required.</summary>
    public string? TenantId { get; set; }

    /// <summary>The application (client) id of the company's app registration. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret of the app registration. Give this or a certificate.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A certificate with its private key for the app registration. Give this, <see cref="CertificatePath"/> or a secret.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>A PKCS#12 (.pfx) file with the app registration's certificate and private key, for configuration binding.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The Entra host. Default <c>https://login.microsoftonline.com/</c>; national clouds use their own.</summary>
    public Uri AuthorityHost { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>
    /// An OpenID Connect issuer used instead of Entra (MSAL's generic authority, instance discovery off), for example a
    /// local provider in tests. <see langword="null"/> (the default) signs in at <see cref="AuthorityHost"/>/<see cref="TenantId"/>.
    /// </summary>
    public Uri? GenericAuthority { get; set; }

    /// <summary>
    /// A PEM or DER file with the certificate authority that signed <see cref="GenericAuthority"/>'s TLS certificate, for an
    /// OpenID Connect provider on a private PKI. Only the sign-in requests trust it (in addition to nothing else: the chain
    /// must end at this authority); Graph requests keep the system's trust. <see langword="null"/> (the default) uses the system's trust.
    /// </summary>
    public string? TrustedAuthorityCertificatePath { get; set; }

    /// <summary>The scopes asked for. Default <see cref="DefaultScopes"/>.</summary>
    public IList<string> Scopes { get; set; } = [.. DefaultScopes];

    /// <summary>The drive (a SharePoint document library or a OneDrive) that holds workspaces. Required.</summary>
    public string? DriveId { get; set; }

    /// <summary>The folder in <see cref="DriveId"/> under which workspace folders are created. Default <c>root</c>.</summary>
    public string ParentItemId { get; set; } = "root";

    /// <summary>The Microsoft 365 group whose calendar holds milestones. Give this or <see cref="CalendarUserId"/>.</summary>
    public string? CalendarGroupId { get; set; }

    /// <summary>The user (id or principal name) whose calendar holds milestones. Give this or <see cref="CalendarGroupId"/>.</summary>
    public string? CalendarUserId { get; set; }

    /// <summary>Local template files uploaded as starter documents, by kind; a kind without one gets a blank document the adapter builds.</summary>
    public IDictionary<DocumentKind, string> Templates { get; set; } = new Dictionary<DocumentKind, string>();

    /// <summary>Whether Graph e-mails an invitation when a workspace is shared. Default <see langword="true"/>.</summary>
    public bool SendInvitation { get; set; } = true;

    /// <summary>The public HTTPS address Graph posts change notifications to; <see langword="null"/> turns notifications off.</summary>
    public Uri? NotificationUrl { get; set; }

    /// <summary>The address Graph posts lifecycle notifications to; <see langword="null"/> uses <see cref="NotificationUrl"/>.</summary>
    public Uri? LifecycleNotificationUrl { get; set; }

    /// <summary>How long a subscription is asked for. Default 2 days; Graph caps drive items at about 29 days.</summary>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromDays(2);

    /// <summary>How long before expiry a subscription is renewed. Default 6 hours.</summary>
    public TimeSpan SubscriptionRenewBefore { get; set; } = TimeSpan.FromHours(6);

    /// <inheritdoc />
    public override string ToString()
        => $"Microsoft365Options(GraphBaseAddress = {GraphBaseAddress}, TenantId = {TenantId ?? "(none)"}, ClientId = {ClientId ?? "(none)"}, Credential = {(ClientCertificate is not null || !string.IsNullOrWhiteSpace(CertificatePath) ? "certificate" : string.IsNullOrWhiteSpace(ClientSecret) ? "(none)" : "secret")}, DriveId = {DriveId ?? "(none)"}, ParentItemId = {ParentItemId})";
}
