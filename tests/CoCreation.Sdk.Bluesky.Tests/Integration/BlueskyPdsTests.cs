using System.Text;
using System.Text.Json.Nodes;
using CoCreation.Sdk.Sns;
using Microsoft.Extensions.DependencyInjection;

namespace CoCreation.Sdk.Bluesky.Tests.Integration;

/// <summary>
/// The adapter against the real AT Protocol PDS (<c>@atproto/pds</c>) and PLC directory started by
/// <c>eng/peers/bluesky/up.sh</c>: app-password sign-in and session refresh, posts whose mention facets the server
/// resolved and stored, replies and thread read-back, and the grapheme limit as the server counts it. The numbered-reply
/// vote run by the opinions module is in <see cref="BlueskyPdsOpinionTests"/>. Each test creates its own accounts with
/// unique handles.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class BlueskyPdsTests
{
    private PdsPeer peer = null!;
    private ServiceProvider? provider;

    [SetUp]
    public void Connect() => peer = PdsPeer.Connect();

    [TearDown]
    public void Disconnect()
    {
        provider?.Dispose();
        provider = null;
        // Null when SetUp found no peer and ignored the test.
        peer?.Dispose();
    }

    [Test]
    public async Task SignIn_WithAppPassword_VerifiesAndRefreshesTheSessionAsync()
    {
        var (connector, _) = await BrandAsync();
        var member = await peer.CreateAccountAsync("signin");
        var appPassword = await peer.CreateAppPasswordAsync(member);

        var session = await connector.CreateSessionAsync(member.Handle, appPassword);
        var identity = await connector.VerifyCredentialsAsync(session.ToCredential());
        var refreshed = await connector.RefreshSessionAsync(session.RefreshJwt);
        var again = await connector.VerifyCredentialsAsync(refreshed.ToCredential());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(session.Did, Is.EqualTo(member.Did), "createSession returns the account's DID");
            Assert.That(identity.Subject, Is.EqualTo(member.Did), "the subject is the DID");
            Assert.That(identity.Handle, Is.EqualTo(member.Handle), "the handle");
            Assert.That(identity.Network, Is.EqualTo(BlueskyTestHost.Name));
            Assert.That(refreshed.RefreshJwt, Is.Not.EqualTo(session.RefreshJwt), "refreshSession rotates the refresh token");
            Assert.That(again.Subject, Is.EqualTo(member.Did), "the refreshed token verifies to the same DID");
            Assert.That(session.ToString(), Does.Not.Contain(session.AccessJwt).And.Not.Contain(session.RefreshJwt), "ToString hides the tokens");
        }

        var wrong = Assert.ThrowsAsync<CredentialException>(() => connector.CreateSessionAsync(member.Handle, "wrong-" + appPassword));
        Assert.That(wrong!.Message, Does.Not.Contain(appPassword));
    }

    [Test]
    public async Task Publish_WithMentionAndLink_StoresFacetsTheServerResolvedAsync()
    {
        var (connector, brand) = await BrandAsync();
        var member = await peer.CreateAccountAsync("mention");
        const string link = "https://example.test/drops/42";
        var text = $"Café drop 🎉 — thoughts? see {link}";

        var post = await connector.PublishAsync(new PostRequest { Text = text, Mentions = [member.Handle] });
        var stored = await peer.GetRecordAsync(post.Id);

        var value = stored["value"]!;
        var storedText = value["text"]!.GetValue<string>();
        var facets = (JsonArray)value["facets"]!;
        var mention = facets.Single(f => f!["features"]![0]!["$type"]!.GetValue<string>() == "app.bsky.richtext.facet#mention")!;
        var linkFacet = facets.Single(f => f!["features"]![0]!["$type"]!.GetValue<string>() == "app.bsky.richtext.facet#link")!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(post.AuthorSubject, Is.EqualTo(brand.Did), "the brand is the author");
            Assert.That(storedText, Is.EqualTo(text + " @" + member.Handle), "the mention was appended to the text");
            Assert.That(mention["features"]![0]!["did"]!.GetValue<string>(), Is.EqualTo(member.Did), "the handle was resolved by the server to the member's DID");
            Assert.That(Slice(storedText, mention["index"]!), Is.EqualTo("@" + member.Handle), "the mention facet's UTF-8 byte offsets cover the mention");
            Assert.That(linkFacet["features"]![0]!["uri"]!.GetValue<string>(), Is.EqualTo(link));
            Assert.That(Slice(storedText, linkFacet["index"]!), Is.EqualTo(link), "the link facet's UTF-8 byte offsets cover the link after multi-byte text");
        }
    }

    [Test]
    public void Publish_MentionOfUnknownHandle_IsRefusedBeforeAnythingIsWritten()
    {
        Assert.ThrowsAsync<CoCreationValidationException>(async () =>
        {
            var (connector, _) = await BrandAsync();
            await connector.PublishAsync(new PostRequest { Text = "Hello", Mentions = [PdsPeer.UniqueHandle("ghost")] });
        });
    }

    [Test]
    public async Task Replies_AreStoredWithRootAndParentAndReadBackAsAThreadAsync()
    {
        var (connector, brand) = await BrandAsync();
        var member = await peer.CreateAccountAsync("reply");
        var memberSession = await connector.CreateSessionAsync(member.Handle, member.Password);

        var root = await connector.PublishAsync(new PostRequest { Text = "Root of the thread" });
        var reply = await connector.PublishAsync(new PostRequest { Text = "A member's reply", InReplyToId = root.Id, Author = memberSession.ToCredential() });
        var nested = await connector.PublishAsync(new PostRequest { Text = "The brand answers", InReplyToId = reply.Id });

        var stored = await peer.GetRecordAsync(nested.Id);
        var thread = await ToListAsync(connector.GetRepliesAsync(root.Id));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.AuthorSubject, Is.EqualTo(member.Did), "the member's reply is in the member's repository");
            Assert.That(stored["value"]!["reply"]!["root"]!["uri"]!.GetValue<string>(), Is.EqualTo(root.Id), "reply.root is the thread's root");
            Assert.That(stored["value"]!["reply"]!["parent"]!["uri"]!.GetValue<string>(), Is.EqualTo(reply.Id), "reply.parent is the post answered");
            Assert.That(thread.Select(p => p.Id), Is.EqualTo(new[] { reply.Id, nested.Id }), "the thread, oldest first");
            Assert.That(thread.Select(p => p.InReplyToId), Is.EqualTo(new[] { root.Id, reply.Id }));
            Assert.That(thread.Select(p => p.AuthorSubject), Is.EqualTo(new[] { member.Did, brand.Did }));
            Assert.That(thread.Select(p => p.AuthorHandle), Is.EqualTo(new[] { member.Handle, brand.Handle }));
        }
    }

    [Test]
    public async Task Publish_GraphemeLimit_AgreesWithTheServerAsync()
    {
        var (connector, _) = await BrandAsync();
        // 299 emoji of 2 UTF-16 units each and one family emoji of 8 units: 300 graphemes, 606 units, 1214 bytes.
        var atLimit = string.Concat(Enumerable.Repeat("🎉", 299)) + "👩‍👩‍👧";

        var accepted = await connector.PublishAsync(new PostRequest { Text = atLimit });
        var refused = Assert.ThrowsAsync<CoCreationValidationException>(() => connector.PublishAsync(new PostRequest { Text = string.Concat(Enumerable.Repeat("é", 301)) }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(atLimit, Has.Length.GreaterThan(300), "the text is longer than 300 UTF-16 units");
            Assert.That((await peer.GetRecordAsync(accepted.Id))["value"]!["text"]!.GetValue<string>(), Is.EqualTo(atLimit), "the server accepted 300 graphemes");
            Assert.That(refused!.Field, Is.EqualTo("PostRequest.Text"));
        }
    }

    private async Task<(BlueskyConnector Connector, PdsAccount Brand)> BrandAsync()
    {
        var brand = await peer.CreateAccountAsync("brand");
        var appPassword = await peer.CreateAppPasswordAsync(brand);
        provider?.Dispose();
        provider = BlueskyTestHost.Build(peer.Url, brand.Handle, appPassword, o => o.ReadMode = BlueskyReadMode.PdsRepositories);
        return (provider.Connector(), brand);
    }

    private static string Slice(string text, JsonNode index)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var start = index["byteStart"]!.GetValue<int>();
        var end = index["byteEnd"]!.GetValue<int>();
        return Encoding.UTF8.GetString(bytes, start, end - start);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
