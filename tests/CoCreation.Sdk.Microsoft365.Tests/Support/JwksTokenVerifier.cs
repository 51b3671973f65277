using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CoCreation.Sdk.Microsoft365.Tests.Support;

/// <summary>A token the verifier refused, with the reason.</summary>
public sealed class TokenRejectedException(string reason) : Exception($"token refused: {reason}")
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Verifies a JWT access token the way a resource server (Graph, or a Graph fake) does: the signature against the
/// issuer's published keys (JWKS, found through its OpenID Connect metadata), RS256 or ES256 only, then <c>iss</c>,
/// <c>aud</c>, <c>exp</c> and <c>nbf</c>. Only System.Security.Cryptography and System.Text.Json; no token library.
/// </summary>
public sealed class JwksTokenVerifier(HttpClient http, string issuer, string audience, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private JsonElement[]? keys;

    /// <summary>How often the JWKS was fetched (it is fetched again when a token names an unknown key).</summary>
    public int JwksFetches { get; private set; }

    /// <summary>Verifies <paramref name="token"/> and returns its header and claims; throws <see cref="TokenRejectedException"/> otherwise.</summary>
    public async Task<VerifiedToken> VerifyAsync(string token, CancellationToken cancellationToken = default)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || !Base64Url.IsValid(p)))
        {
            throw new TokenRejectedException("not a compact JWS (three base64url parts)");
        }

        using var header = Parse(parts[0], "header");
        var alg = header.RootElement.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : throw new TokenRejectedException("no alg");
        var kid = header.RootElement.TryGetProperty("kid", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        if (alg is not ("RS256" or "ES256"))
        {
            throw new TokenRejectedException($"alg {alg} is not accepted");
        }

        var key = await FindKeyAsync(kid, alg, cancellationToken).ConfigureAwait(false);
        var signedBytes = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var signature = Base64Url.DecodeFromChars(parts[2]);
        if (!Verify(key, alg, signedBytes, signature))
        {
            throw new TokenRejectedException("bad signature");
        }

        using var payload = Parse(parts[1], "payload");
        var claims = payload.RootElement;
        if (!claims.TryGetProperty("iss", out var iss) || iss.GetString() != issuer)
        {
            throw new TokenRejectedException("wrong issuer");
        }

        if (!claims.TryGetProperty("aud", out var aud)
            || !(aud.ValueKind == JsonValueKind.String ? aud.GetString() == audience : aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().Any(x => x.GetString() == audience)))
        {
            throw new TokenRejectedException("wrong audience");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (!claims.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number || exp.GetInt64() <= now)
        {
            throw new TokenRejectedException("expired or without exp");
        }

        if (claims.TryGetProperty("nbf", out var nbf) && nbf.ValueKind == JsonValueKind.Number && nbf.GetInt64() > now)
        {
            throw new TokenRejectedException("not yet valid");
        }

        return new VerifiedToken(alg, kid, claims.Clone());
    }

    private async Task<JsonElement> FindKeyAsync(string? kid, string alg, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (keys is null || attempt == 1)
            {
                keys = await FetchKeysAsync(cancellationToken).ConfigureAwait(false);
            }

            var wantedKty = alg == "RS256" ? "RSA" : "EC";
            var match = keys.Where(j => j.GetProperty("kty").GetString() == wantedKty
                                        && (kid is null || (j.TryGetProperty("kid", out var id) && id.GetString() == kid))).ToArray();
            if (match.Length == 1)
            {
                return match[0];
            }
        }

        throw new TokenRejectedException($"no {alg} key with kid {kid} in the JWKS");
    }

    private async Task<JsonElement[]> FetchKeysAsync(CancellationToken cancellationToken)
    {
        JwksFetches++;
        var metadata = await http.GetFromJsonAsync<JsonElement>($"{issuer.TrimEnd('/')}/.well-known/openid-configuration", cancellationToken).ConfigureAwait(false);
        if (metadata.GetProperty("issuer").GetString() != issuer)
        {
            throw new TokenRejectedException("the metadata names another issuer");
        }

        var jwks = await http.GetFromJsonAsync<JsonElement>(metadata.GetProperty("jwks_uri").GetString(), cancellationToken).ConfigureAwait(false);
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(j => j.Clone())];
    }

    private static bool Verify(JsonElement jwk, string alg, byte[] data, byte[] signature)
    {
        if (alg == "RS256")
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = B64(jwk, "n"), Exponent = B64(jwk, "e") });
            return rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        if (jwk.GetProperty("crv").GetString() != "P-256" || signature.Length != 64)
        {
            return false;
        }

        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = B64(jwk, "x"), Y = B64(jwk, "y") } });
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static byte[] B64(JsonElement jwk, string name) => Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());

    private static JsonDocument Parse(string part, string what)
    {
        try
        {
            return JsonDocument.Parse(Base64Url.DecodeFromChars(part));
        }
        catch (JsonException)
        {
            throw new TokenRejectedException($"the {what} is not JSON");
        }
    }
}

/// <summary>A verified token's algorithm, key id and claims.</summary>
public sealed record VerifiedToken(string Algorithm, string? KeyId, JsonElement Claims)
{
    public string? Claim(string name) => Claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
