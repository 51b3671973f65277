using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using CoCreation.Sdk.Microsoft365.Implementation;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Identity.Client;

namespace CoCreation.Sdk.Microsoft365.Tests.Auth;

/// <summary>Options to MSAL mapping, refusals before anything is sent, and messages without secrets (no peer needed).</summary>
public sealed class MsalOptionsTests
{
    private const string Secret = "s3cr3t-value-that-must-never-show";

    private static Microsoft365Options Entra(string tenant = "contoso.onmicrosoft.com") => new()
    {
        TenantId = tenant,
        ClientId = "11111111-2222-3333-4444-555555555555",
        ClientSecret = Secret,
    };

    [Test]
    public void Entra_authority_is_the_host_followed_by_the_tenant()
    {
        var authority = MsalClients.Authority(Entra());

        Assert.Multiple(() =>
        {
            Assert.That(authority.Uri.AbsoluteUri, Is.EqualTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/"));
            Assert.That(authority.IsGeneric, Is.False);
        });
    }

    [Test]
    public void A_national_cloud_host_without_a_trailing_slash_still_gets_the_tenant_as_a_segment()
    {
        var options = Entra("0b1e2f3a-0000-4000-8000-000000000001");
        options.AuthorityHost = new Uri("https://login.microsoftonline.us");

        Assert.That(MsalClients.Authority(options).Uri.AbsoluteUri, Is.EqualTo("https://login.microsoftonline.us/0b1e2f3a-0000-4000-8000-000000000001/"));
    }

    [Test]
    public void Another_tenant_can_be_named_for_a_multi_tenant_sign_in()
        => Assert.That(MsalClients.Authority(Entra(), "fabrikam.com").Uri.AbsoluteUri, Is.EqualTo("https://login.microsoftonline.com/fabrikam.com/"));

    [Test]
    public void Generic_authority_wins_over_the_tenant_and_ends_with_a_slash()
    {
        var options = Entra();
        options.GenericAuthority = new Uri("https://idp.example.test/realms/acme");

        var authority = MsalClients.Authority(options);

        Assert.Multiple(() =>
        {
            Assert.That(authority.Uri.AbsoluteUri, Is.EqualTo("https://idp.example.test/realms/acme/"));
            Assert.That(authority.IsGeneric, Is.True);
        });
    }

    [Test]
    public void The_confidential_client_signs_in_at_the_mapped_authority()
    {
        var entra = MsalGraphAccessTokens.Create(Entra(), () => new HttpClient(), TimeProvider.System);
        var genericOptions = Entra();
        genericOptions.GenericAuthority = new Uri("https://idp.example.test/");
        var generic = MsalGraphAccessTokens.Create(genericOptions, () => new HttpClient(), TimeProvider.System);

        Assert.Multiple(() =>
        {
            Assert.That(entra.Authority.AbsoluteUri, Is.EqualTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/"));
            Assert.That(generic.Authority.AbsoluteUri, Is.EqualTo("https://idp.example.test/"));
        });
    }

    [Test]
    public void Plain_http_generic_authority_is_refused()
    {
        var options = Entra();
        options.GenericAuthority = new Uri("http://127.0.0.1:4010/");

        var ex = Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(options, () => new HttpClient(), TimeProvider.System));

        Assert.That(ex!.Message, Does.StartWith("GenericAuthority:"));
    }

    [TestCase(null)]
    [TestCase("  ")]
    [TestCase("contoso/../common")]
    [TestCase("contoso?x=1")]
    public void A_missing_or_malformed_tenant_is_refused(string? tenant)
    {
        var options = Entra();
        options.TenantId = tenant;

        var ex = Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(options, () => new HttpClient(), TimeProvider.System));

        Assert.That(ex!.Message, Does.StartWith("TenantId:"));
    }

    [Test]
    public void A_missing_client_id_credential_or_scope_is_refused_by_name()
    {
        var noClient = Entra();
        noClient.ClientId = null;
        var noCredential = Entra();
        noCredential.ClientSecret = null;
        var noScopes = Entra();
        noScopes.Scopes = [" "];

        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(noClient, () => new HttpClient(), TimeProvider.System))!.Message, Does.StartWith("ClientId:"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(noCredential, () => new HttpClient(), TimeProvider.System))!.Message, Does.StartWith("ClientSecret:"));
            Assert.That(Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(noScopes, () => new HttpClient(), TimeProvider.System))!.Message, Does.StartWith("Scopes:"));
        });
    }

    [Test]
    public void A_certificate_path_that_names_no_file_is_refused()
    {
        var options = Entra();
        options.ClientSecret = null;
        options.CertificatePath = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pfx");

        var ex = Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(options, () => new HttpClient(), TimeProvider.System));

        Assert.That(ex!.Message, Does.StartWith("CertificatePath:"));
    }

    [Test]
    public void A_wrong_certificate_password_is_a_credential_exception_without_the_password()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "right-password"));
        try
        {
            var options = Entra();
            options.ClientSecret = null;
            options.CertificatePath = path;
            options.CertificatePassword = "wrong-password-" + Secret;

            var ex = Assert.Throws<CredentialException>(() => MsalGraphAccessTokens.Create(options, () => new HttpClient(), TimeProvider.System));

            Assert.Multiple(() =>
            {
                Assert.That(ex!.Message, Does.Contain("CertificatePath"));
                Assert.That(ex.ToString(), Does.Not.Contain(Secret));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using var key = RSA.Create(2048);
        using var withKey = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.RawData);
        var options = Entra();
        options.ClientSecret = null;
        options.ClientCertificate = publicOnly;

        var ex = Assert.Throws<CoCreationValidationException>(() => MsalGraphAccessTokens.Create(options, () => new HttpClient(), TimeProvider.System));

        Assert.That(ex!.Message, Does.StartWith("ClientCertificate:"));
    }

    [TestCase(400, "invalid_client", typeof(CredentialException), false)]
    [TestCase(400, "invalid_scope", typeof(CredentialException), false)]
    [TestCase(429, "too_many_requests", typeof(ProviderException), true)]
    [TestCase(503, "service_unavailable", typeof(ProviderException), true)]
    public void Msal_service_errors_map_to_typed_exceptions_that_never_repeat_the_provider_text(int status, string code, Type expected, bool transient)
    {
        var msal = new MsalServiceException(code, $"AADSTS7000215: Invalid client secret provided. client_secret={Secret} client_assertion=eyJhbGciOi.{Secret}", status);

        var mapped = MsalErrors.ForApp(msal);

        Assert.Multiple(() =>
        {
            Assert.That(mapped, Is.InstanceOf(expected));
            Assert.That(mapped.Message, Does.Contain(code));
            Assert.That(mapped.Message, Does.Not.Contain(Secret));
            Assert.That(mapped.Message, Does.Not.Contain("eyJ"));
            Assert.That((mapped as ProviderException)?.IsTransient ?? false, Is.EqualTo(transient));
        });
    }

    [Test]
    public void A_provider_error_code_that_does_not_look_like_one_is_not_copied()
    {
        var mapped = MsalErrors.ForApp(new MsalServiceException($"bad {Secret}", "whatever", 400));

        Assert.Multiple(() =>
        {
            Assert.That(mapped.Message, Does.Contain("unknown_error"));
            Assert.That(mapped.Message, Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void A_user_whose_grant_is_gone_has_to_sign_in_again()
    {
        var mapped = MsalErrors.ForUser(new MsalUiRequiredException("invalid_grant", $"refresh token {Secret} revoked"), "account-1");

        Assert.Multiple(() =>
        {
            Assert.That(mapped, Is.InstanceOf<Health.ReauthorizationRequiredException>());
            Assert.That(((Health.ReauthorizationRequiredException)mapped).Credential.Account, Is.EqualTo("account-1"));
            Assert.That(mapped.Message, Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void The_generic_client_assertion_has_numeric_dates_and_verifies_with_the_certificate()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var now = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero)).GetUtcNow();

        var assertion = MsalClientAssertion.Create(certificate, "client-1", "https://idp.example.test/token", now);

        var parts = assertion.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Multiple(() =>
        {
            Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("RS256"));
            Assert.That(header.RootElement.GetProperty("x5t").GetString(), Is.EqualTo(Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA1))));
            Assert.That(payload.RootElement.GetProperty("iss").GetString(), Is.EqualTo("client-1"));
            Assert.That(payload.RootElement.GetProperty("sub").GetString(), Is.EqualTo("client-1"));
            Assert.That(payload.RootElement.GetProperty("aud").GetString(), Is.EqualTo("https://idp.example.test/token"));
            Assert.That(payload.RootElement.GetProperty("nbf").ValueKind, Is.EqualTo(JsonValueKind.Number));
            Assert.That(payload.RootElement.GetProperty("exp").GetInt64(), Is.EqualTo(now.ToUnixTimeSeconds() + 600));
            Assert.That(key.VerifyData(System.Text.Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), Is.True);
        });
    }

    [Test]
    public void Sign_in_request_and_result_never_print_the_verifier_or_the_token()
    {
        var request = new Microsoft365UserSignInRequest(new Uri("https://idp.example.test/auth?x=1"), "state-1", "verifier-" + Secret, ["scope"], null);
        var result = new Microsoft365UserSignInResult("account-1", "alice", null, "token-" + Secret, DateTimeOffset.UnixEpoch, ["scope"], fromCache: false);

        Assert.Multiple(() =>
        {
            Assert.That(request.ToString(), Does.Not.Contain(Secret));
            Assert.That(result.ToString(), Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void Sign_in_refuses_a_plain_http_redirect_address_off_loopback()
        => Assert.Throws<CoCreationValidationException>(() => _ = new Microsoft365UserSignIn(Entra(), new Uri("http://app.example.test/callback")));

    [Test]
    public void Sign_in_refuses_a_tenant_choice_with_a_generic_authority_before_anything_is_sent()
    {
        var options = Entra();
        options.GenericAuthority = new Uri("https://idp.example.test/");
        var signIn = new Microsoft365UserSignIn(options, new Uri("https://app.example.test/callback"), () => throw new AssertionException("nothing may be sent"));

        Assert.ThrowsAsync<CoCreationValidationException>(async () => await signIn.StartAsync(tenantId: "fabrikam.com"));
    }
}
