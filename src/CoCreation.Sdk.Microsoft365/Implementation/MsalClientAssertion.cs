using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace CoCreation.Sdk.Microsoft365.Implementation;

/// <summary>
/// Signs the client assertion (RFC 7523, <c>private_key_jwt</c>) for a generic OpenID Connect authority.
/// </summary>
/// <remarks>
/// MSAL's own certificate assertion writes <c>nbf</c> and <c>exp</c> as JSON strings. Entra accepts that, but a
/// provider that follows RFC 7519 (NumericDate is a number), such as oidc-provider, refuses it with
/// <c>invalid_client</c>. For a generic authority the adapter therefore hands MSAL this assertion instead: header
/// <c>alg</c> (RS256 for an RSA key, ES256 for a P-256 key), <c>typ</c> and <c>x5t</c> (the certificate's SHA-1
/// thumbprint, as MSAL sends it); claims <c>iss</c> = <c>sub</c> = client id, <c>aud</c> = token endpoint, <c>jti</c>,
/// and numeric <c>iat</c>, <c>nbf</c>, <c>exp</c> (ten minutes). Entra authorities keep MSAL's assertion.
/// The assertion is a credential: it is never logged or put in a message.
/// </remarks>
internal static class MsalClientAssertion
{
    /// <summary>How long an assertion is good for.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>Signs an assertion for <paramref name="clientId"/> addressed to <paramref name="tokenEndpoint"/>.</summary>
    /// <param name="certificate">The app's certificate with its private key (RSA, or ECDSA on P-256).</param>
    /// <param name="clientId">The client id (issuer and subject).</param>
    /// <param name="tokenEndpoint">The token endpoint (audience).</param>
    /// <param name="now">The time the assertion is issued.</param>
    public static string Create(X509Certificate2 certificate, string clientId, string tokenEndpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenEndpoint);
        using var rsa = certificate.GetRSAPrivateKey();
        using var ecdsa = rsa is null ? certificate.GetECDsaPrivateKey() : null;
        var alg = rsa is not null ? "RS256"
            : ecdsa is not null && ecdsa.KeySize == 256 ? "ES256"
            : throw new CoCreationValidationException(nameof(Microsoft365Options.ClientCertificate), "must hold an RSA key or an ECDSA P-256 private key.");

        var header = Json(writer =>
        {
            writer.WriteString("alg", alg);
            writer.WriteString("typ", "JWT");
            writer.WriteString("x5t", Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA1)));
        });
        var issued = now.ToUnixTimeSeconds();
        var payload = Json(writer =>
        {
            writer.WriteString("iss", clientId);
            writer.WriteString("sub", clientId);
            writer.WriteString("aud", tokenEndpoint);
            writer.WriteString("jti", Guid.NewGuid().ToString("D"));
            writer.WriteNumber("iat", issued);
            writer.WriteNumber("nbf", issued);
            writer.WriteNumber("exp", issued + (long)Lifetime.TotalSeconds);
        });

        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        var data = Encoding.ASCII.GetBytes(signingInput);
        var signature = rsa is not null
            ? rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : ecdsa!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
