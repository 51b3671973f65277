using System.Net;
using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using static CoCreation.Sdk.AspNetCore.Tests.WebhookHost;

namespace CoCreation.Sdk.AspNetCore.Tests;

/// <summary>
/// Hostile requests of every kind sent through the endpoint: each is answered 401 (413 for size), none reaches the
/// parser or the pipeline. The answers per kind are written to the test output.
/// </summary>
[TestFixture]
[Category("Unit")]
[NonParallelizable]
public sealed class HostileOverHttpTests
{
    [Test]
    public async Task Every_hostile_request_is_answered_401_or_413_and_none_reaches_the_pipeline()
    {
        await using var host = await WebhookHost.StartAsync();
        var originals = new List<(string Id, byte[] Body)>();
        for (var i = 0; i < 6; i++)
        {
            var body = Order($"orig-{i}");
            using var accepted = await host.Client.SendAsync(Signed(Shop, $"msg_orig_{i}", Now, body));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            originals.Add(($"msg_orig_{i}", body));
        }

        var parsedBefore = host.ShopReceiver.Parsed;
        var publishedBefore = host.Consumer.Events.Count;
        var cases = Cases(originals).ToList();
        var answers = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var (kind, request, expected) in cases)
        {
            using var response = await host.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var byStatus = answers.TryGetValue(kind, out var s) ? s : answers[kind] = [];
            byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
            if (response.StatusCode != expected)
            {
                wrong.Add($"{kind}: {status}, expected {(int)expected}");
            }
        }

        TestContext.Out.WriteLine($"Hostile requests through the endpoint: {cases.Count}; parsed {host.ShopReceiver.Parsed - parsedBefore}; published {host.Consumer.Events.Count - publishedBefore}");
        foreach (var (kind, byStatus) in answers)
        {
            TestContext.Out.WriteLine($"{kind,-20} " + string.Join(", ", byStatus.Select(b => $"{b.Key} x{b.Value}")));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wrong, Is.Empty);
            Assert.That(cases, Has.Count.GreaterThan(60));
            Assert.That(host.ShopReceiver.Parsed, Is.EqualTo(parsedBefore));
            Assert.That(host.Consumer.Events, Has.Count.EqualTo(publishedBefore));
        }
    }

    private static IEnumerable<(string Kind, HttpRequestMessage Request, HttpStatusCode Expected)> Cases(List<(string Id, byte[] Body)> originals)
    {
        const HttpStatusCode refused = HttpStatusCode.Unauthorized;
        var random = new Random(23);
        var body = Order("o-h");
        var headers = StandardWebhookSigner.CreateHeaders(Secret, "msg_h", Now, body).ToDictionary(h => h.Key, h => h.Value);

        for (var i = 0; i < 10; i++)
        {
            var noise = new byte[32];
            random.NextBytes(noise);
            yield return ("forged", Raw(body, headers, "webhook-signature", "v1," + Convert.ToBase64String(noise)), refused);
        }

        for (var i = 0; i < body.Length; i += body.Length / 10)
        {
            var altered = (byte[])body.Clone();
            altered[i] ^= 0x20;
            yield return ("altered-body", Raw(altered, headers), refused);
        }

        foreach (var id in new[] { "msg_H", "msg_i", "msg_h2", "msg_hh", "msg_" })
        {
            yield return ("altered-id", Raw(body, headers, "webhook-id", id), refused);
        }

        foreach (var seconds in new[] { -60, -1, 1, 60, 120 })
        {
            yield return ("altered-timestamp", Raw(body, headers, "webhook-timestamp", Stamp(Now.AddSeconds(seconds))), refused);
        }

        foreach (var (id, original) in originals)
        {
            yield return ("replayed", Signed(Shop, id, Now, original), refused);
        }

        foreach (var minutes in new[] { 6, 10, 60, 1440, 525_600 })
        {
            yield return ("stale", Signed(Shop, $"msg_s{minutes}", Now.AddMinutes(-minutes), body), refused);
            yield return ("future", Signed(Shop, $"msg_f{minutes}", Now.AddMinutes(minutes), body), refused);
        }

        foreach (var name in headers.Keys)
        {
            yield return ("missing-header", Raw(body, headers.Where(h => h.Key != name).ToDictionary(h => h.Key, h => h.Value)), refused);
            yield return ("missing-header", Raw(body, headers, name, string.Empty), refused);
        }

        foreach (var (name, value) in new[] { ("webhook-id", "a b"), ("webhook-id", new string('x', 300)), ("webhook-timestamp", "-5"), ("webhook-timestamp", "17645796OO"), ("webhook-signature", "v1,###"), ("webhook-signature", "v1") })
        {
            yield return ("malformed", Raw(body, headers, name, value), refused);
        }

        for (var i = 0; i < 5; i++)
        {
            yield return ("wrong-secret", Signed(Shop, $"msg_w{i}", Now, body, StandardWebhookSigner.GenerateSecret()), refused);
        }

        foreach (var size in new[] { VerifierCap + 1, EndpointCap + 1, EndpointCap * 3 })
        {
            var big = Encoding.UTF8.GetBytes(new string('a', size));
            yield return ("oversize", Signed(Shop, $"msg_big{size}", Now, big), HttpStatusCode.RequestEntityTooLarge);
            var chunked = Signed(Shop, $"msg_chunk{size}", Now, big);
            chunked.Content = new UnsizedContent(big);
            yield return ("oversize", chunked, HttpStatusCode.RequestEntityTooLarge);
        }
    }

    private static HttpRequestMessage Raw(byte[] body, Dictionary<string, string> headers, string? name = null, string? value = null)
    {
        var request = Post(Shop, body);
        foreach (var (key, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(key, key == name ? value! : v);
        }

        return request;
    }
}
