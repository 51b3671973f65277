using System.Security.Cryptography;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using static CoCreation.Sdk.Http.Tests.Webhooks.WebhookFixtures;

namespace CoCreation.Sdk.Http.Tests.Webhooks;

/// <summary>
/// A generated set of hostile requests, by kind: forged, altered (body, id, timestamp, signature), replayed, stale,
/// future, missing headers, malformed headers, oversize and signed with a wrong secret. Every one must be refused,
/// the parser must never run, and a request refused on its headers must leave its body unread. The counts per kind
/// are written to the test output.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class HostileWebhookTests
{
    private const int MaxBody = 4096;

    private enum Stage
    {
        /// <summary>Refused on the headers: the body must stay unread.</summary>
        BeforeBody,

        /// <summary>Refused after the body was read (a signature or size check on the bytes).</summary>
        AfterBody,
    }

    private sealed record Hostile(string Kind, WebhookRequest Request, Stage Stage, WebhookRefusalReason? Expected = null);

    [Test]
    public async Task Every_hostile_request_is_refused_and_none_is_parsed()
    {
        var clock = Clock();
        var receiver = new CountingReceiver(Verifier(clock, o => o.MaxBodyBytes = MaxBody));
        var random = new Random(17);
        var cases = new List<Hostile>();

        // The genuine messages whose replays are part of the set; each is accepted once, before the hostile run.
        var originals = new List<(string Id, byte[] Body)>();
        for (var i = 0; i < 15; i++)
        {
            var body = Body(1000 + i);
            await receiver.ReceiveAsync(Signed($"msg_orig_{i}", Now, body));
            originals.Add(($"msg_orig_{i}", body));
        }

        Assert.That(receiver.Parsed, Is.EqualTo(15), "the genuine originals were accepted");
        var parsedBefore = receiver.Parsed;

        cases.AddRange(Forged(random));
        cases.AddRange(AlteredBody());
        cases.AddRange(AlteredId());
        cases.AddRange(AlteredTimestamp());
        cases.AddRange(AlteredSignature());
        cases.AddRange(Replayed(originals));
        cases.AddRange(StaleOrFuture());
        cases.AddRange(Missing());
        cases.AddRange(Malformed());
        cases.AddRange(Oversize());
        cases.AddRange(WrongSecret());

        var failures = new List<string>();
        var refusedByKind = new SortedDictionary<string, (int Total, int Refused, int Unread)>(StringComparer.Ordinal);
        var byReason = new SortedDictionary<WebhookRefusalReason, int>();
        foreach (var hostile in cases)
        {
            var parsed = receiver.Parsed;
            WebhookVerificationException? refusal = null;
            try
            {
                await receiver.ReceiveAsync(hostile.Request);
            }
            catch (WebhookVerificationException e)
            {
                refusal = e;
            }

            var (total, refused, unread) = refusedByKind.GetValueOrDefault(hostile.Kind);
            refusedByKind[hostile.Kind] = (total + 1, refused + (refusal is null ? 0 : 1), unread + (hostile.Request.IsBodyRead ? 0 : 1));
            if (refusal is null)
            {
                failures.Add($"{hostile.Kind} #{total}: accepted");
                continue;
            }

            byReason[refusal.Reason] = byReason.GetValueOrDefault(refusal.Reason) + 1;
            if (receiver.Parsed != parsed)
            {
                failures.Add($"{hostile.Kind} #{total}: parsed");
            }

            if (hostile.Stage == Stage.BeforeBody && hostile.Request.IsBodyRead)
            {
                failures.Add($"{hostile.Kind} #{total}: body read before refusal ({refusal.Reason})");
            }

            if (hostile.Expected is { } expected && refusal.Reason != expected)
            {
                failures.Add($"{hostile.Kind} #{total}: refused as {refusal.Reason}, expected {expected}");
            }
        }

        TestContext.Out.WriteLine($"Hostile webhook requests: {cases.Count}, refused {refusedByKind.Values.Sum(v => v.Refused)}, parsed {receiver.Parsed - parsedBefore}");
        TestContext.Out.WriteLine("kind                 total  refused  body unread");
        foreach (var (kind, (total, refused, unread)) in refusedByKind)
        {
            TestContext.Out.WriteLine($"{kind,-20} {total,5}  {refused,7}  {unread,11}");
        }

        TestContext.Out.WriteLine("by reason: " + string.Join(", ", byReason.Select(r => $"{r.Key} {r.Value}")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty);
            Assert.That(cases, Has.Count.GreaterThan(100));
            Assert.That(receiver.Parsed, Is.EqualTo(parsedBefore), "the parser never ran for a hostile request");
            Assert.That(refusedByKind.Keys, Is.EquivalentTo(new[]
            {
                "altered-body", "altered-id", "altered-signature", "altered-timestamp", "forged", "future", "malformed",
                "missing-header", "oversize", "replayed", "stale", "wrong-secret",
            }));
        }
    }

    private static IEnumerable<Hostile> Forged(Random random)
    {
        for (var i = 0; i < 12; i++)
        {
            var body = Body(i);
            var noise = new byte[32];
            random.NextBytes(noise);
            yield return Case("forged", $"msg_forged_{i}", Now, body, "v1," + Convert.ToBase64String(noise), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        // Signatures computed the wrong way by someone who knows the scheme but not the secret, or half of it.
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        var b = Body(50);
        var stamp = Stamp(Now);
        byte[][] wrongWays =
        [
            SHA256.HashData(Encoding.UTF8.GetBytes($"msg_f.{stamp}.").Concat(b).ToArray()),                          // plain hash, no key
            HMACSHA256.HashData(key, b),                                                                               // body only
            HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"msg_f.{stamp}")),                                        // headers only
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"msg_f.{stamp}.").Concat(b).ToArray()), // the secret's text as the key
            HMACSHA256.HashData(key[..16], Encoding.UTF8.GetBytes($"msg_f.{stamp}.").Concat(b).ToArray()),             // half the key
            HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"msg_f:{stamp}:").Concat(b).ToArray()),                   // other separator
            HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{stamp}.msg_f.").Concat(b).ToArray()),                   // fields swapped
            new byte[32],                                                                                              // zeros
        ];
        foreach (var wrong in wrongWays)
        {
            yield return Case("forged", "msg_f", Now, b, "v1," + Convert.ToBase64String(wrong), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }
    }

    private static IEnumerable<Hostile> AlteredBody()
    {
        var body = Body(100);
        var headers = Headers("msg_body", Now, body);
        for (var i = 0; i < body.Length; i += Math.Max(1, body.Length / 30))
        {
            var altered = (byte[])body.Clone();
            altered[i] ^= (byte)(1 << (i % 8));
            yield return new Hostile("altered-body", Request(headers, altered), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        yield return new Hostile("altered-body", Request(headers, body[..^1]), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-body", Request(headers, [.. body, (byte)' ']), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-body", Request(headers, [.. body, (byte)'\n']), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-body", Request(headers, []), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-body", Request(headers, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("12500", "99999", StringComparison.Ordinal))), Stage.AfterBody, WebhookRefusalReason.BadSignature);
    }

    private static IEnumerable<Hostile> AlteredId()
    {
        const string id = "msg_2Kx9QeT7aZ";
        var body = Body(200);
        var headers = Headers(id, Now, body);
        for (var i = 0; i < id.Length; i++)
        {
            var chars = id.ToCharArray();
            chars[i] = (char)(chars[i] ^ 0x01);
            if (chars[i] is < '!' or > '~')
            {
                chars[i] = 'z';
            }

            var altered = new string(chars);
            if (altered == id)
            {
                continue;
            }

            yield return new Hostile("altered-id", Request(With(headers, "webhook-id", altered), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        yield return new Hostile("altered-id", Request(With(headers, "webhook-id", id + "x"), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-id", Request(With(headers, "webhook-id", id[1..]), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        yield return new Hostile("altered-id", Request(With(headers, "webhook-id", id.ToUpperInvariant()), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
    }

    private static IEnumerable<Hostile> AlteredTimestamp()
    {
        var body = Body(300);
        var headers = Headers("msg_ts", Now, body);
        // Inside the window: the signature no longer matches.
        foreach (var seconds in new[] { -299, -120, -60, -10, -2, -1, 1, 2, 10, 60, 120, 299 })
        {
            yield return new Hostile("altered-timestamp", Request(With(headers, "webhook-timestamp", Stamp(Now.AddSeconds(seconds))), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        // Digit flips that leave the window: refused on the timestamp, body unread.
        var stamp = Stamp(Now);
        foreach (var position in new[] { 0, 2, 4, 5 })
        {
            var chars = stamp.ToCharArray();
            chars[position] = chars[position] == '9' ? '0' : (char)(chars[position] + 1);
            var flipped = new string(chars);
            var expected = string.CompareOrdinal(flipped, stamp) > 0 ? WebhookRefusalReason.Future : WebhookRefusalReason.Stale;
            yield return new Hostile("altered-timestamp", Request(With(headers, "webhook-timestamp", flipped), body), Stage.BeforeBody, expected);
        }

        // The same instant written differently is not the string that was signed.
        yield return new Hostile("altered-timestamp", Request(With(headers, "webhook-timestamp", "0" + stamp), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
    }

    private static IEnumerable<Hostile> AlteredSignature()
    {
        var body = Body(400);
        var headers = Headers("msg_sig", Now, body);
        var signature = Convert.FromBase64String(headers["webhook-signature"][3..]);
        for (var i = 0; i < 32; i += 2)
        {
            var altered = (byte[])signature.Clone();
            altered[i] ^= (byte)(0x80 >> (i % 8));
            yield return new Hostile("altered-signature", Request(With(headers, "webhook-signature", "v1," + Convert.ToBase64String(altered)), body), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        // The right bytes under another scheme's label are not a v1 signature.
        yield return new Hostile("altered-signature", Request(With(headers, "webhook-signature", "v2," + Convert.ToBase64String(signature)), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        yield return new Hostile("altered-signature", Request(With(headers, "webhook-signature", "V1," + Convert.ToBase64String(signature)), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        // Truncated to a prefix of the right value.
        yield return new Hostile("altered-signature", Request(With(headers, "webhook-signature", "v1," + Convert.ToBase64String(signature[..16])), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        // Hex instead of base64.
        yield return new Hostile("altered-signature", Request(With(headers, "webhook-signature", "v1," + Convert.ToHexString(signature)), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
    }

    private static IEnumerable<Hostile> Replayed(List<(string Id, byte[] Body)> originals)
    {
        foreach (var (id, body) in originals.Take(10))
        {
            yield return new Hostile("replayed", Signed(id, Now, body), Stage.AfterBody, WebhookRefusalReason.Replayed);
        }

        // The same id signed again for a new body or a later time (a sender must use a new id).
        foreach (var (id, _) in originals.Skip(10))
        {
            yield return new Hostile("replayed", Signed(id, Now.AddSeconds(30), Body(9999)), Stage.AfterBody, WebhookRefusalReason.Replayed);
        }

        // Header names in another case do not make a new message.
        var (firstId, firstBody) = originals[0];
        var upper = Headers(firstId, Now, firstBody).Select(h => KeyValuePair.Create(h.Key.ToUpperInvariant(), h.Value));
        yield return new Hostile("replayed", Request(upper, firstBody), Stage.AfterBody, WebhookRefusalReason.Replayed);
    }

    private static IEnumerable<Hostile> StaleOrFuture()
    {
        var body = Body(500);
        foreach (var seconds in new long[] { 301, 302, 600, 3600, 86_400, 31_536_000, 1_000_000_000 })
        {
            var stale = Now.AddSeconds(-seconds);
            yield return new Hostile("stale", Signed($"msg_stale_{seconds}", stale, body), Stage.BeforeBody, WebhookRefusalReason.Stale);
            yield return new Hostile("future", Signed($"msg_future_{seconds}", Now.AddSeconds(seconds), body), Stage.BeforeBody, WebhookRefusalReason.Future);
        }

        var headers = Headers("msg_epoch", Now, body);
        yield return new Hostile("stale", Request(With(headers, "webhook-timestamp", "0"), body), Stage.BeforeBody, WebhookRefusalReason.Stale);
        yield return new Hostile("stale", Request(With(headers, "webhook-timestamp", "1"), body), Stage.BeforeBody, WebhookRefusalReason.Stale);
        yield return new Hostile("future", Request(With(headers, "webhook-timestamp", "999999999999"), body), Stage.BeforeBody, WebhookRefusalReason.Future);
        // Milliseconds where seconds belong.
        yield return new Hostile("future", Request(With(headers, "webhook-timestamp", Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)[..12]), body), Stage.BeforeBody, WebhookRefusalReason.Future);
    }

    private static IEnumerable<Hostile> Missing()
    {
        var body = Body(600);
        var headers = Headers("msg_missing", Now, body);
        string[] names = ["webhook-id", "webhook-timestamp", "webhook-signature"];
        foreach (var name in names)
        {
            yield return new Hostile("missing-header", Request(headers.Where(h => h.Key != name), body), Stage.BeforeBody, WebhookRefusalReason.Missing);
            yield return new Hostile("missing-header", Request(With(headers, name, string.Empty), body), Stage.BeforeBody, WebhookRefusalReason.Missing);
            yield return new Hostile("missing-header", Request(headers.Where(h => h.Key == name), body), Stage.BeforeBody, WebhookRefusalReason.Missing);
        }

        yield return new Hostile("missing-header", Request([], body), Stage.BeforeBody, WebhookRefusalReason.Missing);
        // Close but not the names the scheme uses (Svix's own prefix, underscores).
        yield return new Hostile("missing-header", Request(headers.Select(h => KeyValuePair.Create(h.Key.Replace("webhook-", "svix-", StringComparison.Ordinal), h.Value)), body), Stage.BeforeBody, WebhookRefusalReason.Missing);
        yield return new Hostile("missing-header", Request(headers.Select(h => KeyValuePair.Create(h.Key.Replace('-', '_'), h.Value)), body), Stage.BeforeBody, WebhookRefusalReason.Missing);
    }

    private static IEnumerable<Hostile> Malformed()
    {
        var body = Body(700);
        var headers = Headers("msg_malformed", Now, body);
        var good = headers["webhook-signature"];
        string[] ids = ["msg with space", "msg\tTab", "msg\u0000nul", "msg_\u00e9", "msg_\u2713", new string('a', 257), "msg\r\nX-Injected: 1"];
        foreach (var id in ids)
        {
            yield return new Hostile("malformed", Request(With(headers, "webhook-id", id), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        }

        string[] stamps = ["-1", "+1764579600", "1764579600.5", "1764579600s", "0x6924DA10", " 1764579600", "1764579600 ", "1e9", "1234567890123", "\u0661\u0667\u0666\u0664", "2026-12-01T09:00:00Z"];
        foreach (var stamp in stamps)
        {
            yield return new Hostile("malformed", Request(With(headers, "webhook-timestamp", stamp), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        }

        string[] signatures =
        [
            "v1", "v1,", "v1,!!!!", good[3..], "v1 " + good[3..], "v1;" + good[3..], "v1," + good[3..] + "==",
            new string('v', StandardWebhookVerifier.MaxSignatureHeaderLength + 1),
            good + " " + new string('x', StandardWebhookVerifier.MaxSignatureHeaderLength),
            string.Join(' ', Enumerable.Repeat("v1a,AAAA", StandardWebhookVerifier.MaxSignatures)) + " " + good,
        ];
        foreach (var signature in signatures)
        {
            yield return new Hostile("malformed", Request(With(headers, "webhook-signature", signature), body), Stage.BeforeBody, WebhookRefusalReason.Malformed);
        }
    }

    private static IEnumerable<Hostile> Oversize()
    {
        // Declared too long: refused on Content-Length, unread, even when correctly signed.
        foreach (var size in new[] { MaxBody + 1, MaxBody * 2, 64 * 1024 * 1024 })
        {
            var body = new byte[Math.Min(size, MaxBody + 1)];
            var headers = Headers($"msg_big_{size}", Now, body).Select(h => h).ToList();
            headers.Add(KeyValuePair.Create("Content-Length", size.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            yield return new Hostile("oversize", Request(headers, body, contentLength: false), Stage.BeforeBody, WebhookRefusalReason.Oversize);
        }

        // Not declared (chunked), or declared short: refused after reading, before the signature is even computed.
        foreach (var size in new[] { MaxBody + 1, MaxBody + 100, MaxBody * 4 })
        {
            var body = Encoding.UTF8.GetBytes(new string('a', size));
            yield return new Hostile("oversize", Request(Headers($"msg_chunked_{size}", Now, body), body, contentLength: false), Stage.AfterBody, WebhookRefusalReason.Oversize);
            var lying = Headers($"msg_lying_{size}", Now, body).ToList();
            lying.Add(KeyValuePair.Create("Content-Length", "10"));
            yield return new Hostile("oversize", Request(lying, body, contentLength: false), Stage.AfterBody, WebhookRefusalReason.Oversize);
        }
    }

    private static IEnumerable<Hostile> WrongSecret()
    {
        for (var i = 0; i < 12; i++)
        {
            var body = Body(800 + i);
            yield return new Hostile("wrong-secret", Signed($"msg_wrong_{i}", Now, body, StandardWebhookSigner.GenerateSecret()), Stage.AfterBody, WebhookRefusalReason.BadSignature);
        }

        // A secret one bit away from the right one.
        var key = Convert.FromBase64String(Secret["whsec_".Length..]);
        key[0] ^= 1;
        var near = Body(850);
        yield return new Hostile("wrong-secret", Signed("msg_wrong_near", Now, near, "whsec_" + Convert.ToBase64String(key)), Stage.AfterBody, WebhookRefusalReason.BadSignature);
    }

    private static Hostile Case(string kind, string id, DateTimeOffset time, byte[] body, string signature, Stage stage, WebhookRefusalReason expected)
        => new(kind, Request([new("webhook-id", id), new("webhook-timestamp", Stamp(time)), new("webhook-signature", signature)], body), stage, expected);

    private static List<KeyValuePair<string, string>> With(Dictionary<string, string> headers, string name, string value)
        => headers.Select(h => h.Key == name ? KeyValuePair.Create(h.Key, value) : KeyValuePair.Create(h.Key, h.Value)).ToList();
}
