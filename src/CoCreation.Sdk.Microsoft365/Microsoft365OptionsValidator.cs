using CoCreation.Sdk.Http;
using CoCreation.Sdk.Microsoft365.Implementation;
using CoCreation.Sdk.Workspaces;

namespace CoCreation.Sdk.Microsoft365;

/// <summary>Validates <see cref="Microsoft365Options"/> when the app starts (and when the adapter is first created).</summary>
/// <remarks>Stateless and safe for concurrent use. Messages name the option, never a secret's value.</remarks>
public sealed class Microsoft365OptionsValidator : AdapterOptionsValidator<Microsoft365Options>
{
    /// <summary>The longest subscription Graph grants on drive items (42,300 minutes).</summary>
    private static readonly TimeSpan MaxSubscriptionLifetime = TimeSpan.FromMinutes(42_300);

    /// <inheritdoc />
    protected override string AdapterKind => "Microsoft 365 adapter";

    /// <inheritdoc />
    protected override void Check(Microsoft365Options options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.GraphBaseAddress, nameof(options.GraphBaseAddress), example: "https://graph.microsoft.com/v1.0/");
        failures.RequireBaseAddress(options.AuthorityHost, nameof(options.AuthorityHost), httpsOnly: true);
        failures.RequireBaseAddress(options.GenericAuthority, nameof(options.GenericAuthority), required: false, httpsOnly: true);
        failures.RequireValue(options.TenantId, nameof(options.TenantId), "the directory (tenant) id or domain");
        failures.RequireValue(options.ClientId, nameof(options.ClientId), "the application (client) id");
        CheckCredential(options, failures);
        failures.Require(options.Scopes is { Count: > 0 } scopes && !scopes.Any(string.IsNullOrWhiteSpace), nameof(options.Scopes), "must name at least one scope and no blank one.");
        failures.RequireValue(options.DriveId, nameof(options.DriveId), "the drive that holds workspaces");
        failures.RequireValue(options.ParentItemId, nameof(options.ParentItemId), "the folder workspaces are created in, or root");
        var calendars = (string.IsNullOrWhiteSpace(options.CalendarGroupId) ? 0 : 1) + (string.IsNullOrWhiteSpace(options.CalendarUserId) ? 0 : 1);
        if (calendars != 1)
        {
            failures.AddGeneral("set exactly one of CalendarGroupId and CalendarUserId (whose calendar holds milestones).");
        }

        CheckTemplates(options, failures);
        if (!string.IsNullOrWhiteSpace(options.TrustedAuthorityCertificatePath) && !File.Exists(options.TrustedAuthorityCertificatePath))
        {
            failures.Add(nameof(options.TrustedAuthorityCertificatePath), "names a file that does not exist.");
        }
        failures.RequireBaseAddress(options.NotificationUrl, nameof(options.NotificationUrl), required: false, httpsOnly: true);
        failures.RequireBaseAddress(options.LifecycleNotificationUrl, nameof(options.LifecycleNotificationUrl), required: false, httpsOnly: true);
        if (options.LifecycleNotificationUrl is not null && options.NotificationUrl is null)
        {
            failures.AddGeneral("LifecycleNotificationUrl needs NotificationUrl.");
        }

        failures.Require(options.SubscriptionLifetime >= TimeSpan.FromMinutes(45) && options.SubscriptionLifetime <= MaxSubscriptionLifetime, nameof(options.SubscriptionLifetime), "must be between 45 minutes and 42,300 minutes (Graph's limit for drive items).");
        failures.Require(options.SubscriptionRenewBefore > TimeSpan.Zero && options.SubscriptionRenewBefore < options.SubscriptionLifetime, nameof(options.SubscriptionRenewBefore), "must be positive and shorter than SubscriptionLifetime.");
    }

    private static void CheckCredential(Microsoft365Options options, OptionsFailures failures)
    {
        var credentials = (string.IsNullOrWhiteSpace(options.ClientSecret) ? 0 : 1) + (options.ClientCertificate is null ? 0 : 1) + (string.IsNullOrWhiteSpace(options.CertificatePath) ? 0 : 1);
        if (credentials != 1)
        {
            failures.AddGeneral("set exactly one credential: ClientSecret, ClientCertificate or CertificatePath.");
            return;
        }

        if (!string.IsNullOrWhiteSpace(options.CertificatePath) && !File.Exists(options.CertificatePath))
        {
            failures.Add(nameof(options.CertificatePath), "names a file that does not exist.");
        }

        if (options.ClientCertificate is { HasPrivateKey: false })
        {
            failures.Add(nameof(options.ClientCertificate), "has no private key.");
        }

        if (string.IsNullOrWhiteSpace(options.CertificatePath) && !string.IsNullOrEmpty(options.CertificatePassword))
        {
            failures.AddGeneral("CertificatePassword applies to CertificatePath only.");
        }
    }

    private static void CheckTemplates(Microsoft365Options options, OptionsFailures failures)
    {
        if (options.Templates is null)
        {
            failures.Add(nameof(options.Templates), "must not be null (leave it empty for built starter documents).");
            return;
        }

        foreach (var (kind, path) in options.Templates)
        {
            if (!Enum.IsDefined(kind))
            {
                failures.Add(nameof(options.Templates), $"names an unknown document kind ({(int)kind}).");
            }
            else if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
            {
                failures.Add($"{nameof(options.Templates)}[{kind}]", "names a file that does not exist.");
            }
            else if (!string.Equals(Path.GetExtension(path), OfficeStarterDocuments.Extension(kind), StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{nameof(options.Templates)}[{kind}]", $"must be a {OfficeStarterDocuments.Extension(kind)} file.");
            }
        }
    }
}
