using CoCreation.Sdk.Workspaces;
using Microsoft.Extensions.Configuration;

namespace CoCreation.Sdk.CoDevelopment.Tests;

/// <summary>Role names and people's names in co-development messages, read from the embedded network's inbox.</summary>
[TestFixture]
[Category("Unit")]
public sealed class MessageTextTests
{
    [Test]
    public async Task A_share_names_the_workspace_role_in_the_members_language_and_a_configured_name_wins()
    {
        await using var h = new CoDevelopmentHarness(o => o.RoleDisplayNames["viewer"] = new Dictionary<string, string> { ["en-US"] = "reader" });
        await h.RecruitAsync();
        var mina = await h.AdmitNewAsync("mina", WorkspaceRole.Editor, "ko-KR");
        var vic = await h.AdmitNewAsync("vic", WorkspaceRole.Viewer);
        var cho = await h.AdmitNewAsync("cho", WorkspaceRole.Commenter);

        await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);

        Assert.That(h.Inbox(mina)[^1], Does.Contain("편집자 권한으로 공유되었습니다").And.Not.Contain("editor"));
        Assert.That(h.Inbox(vic)[^1], Does.Contain("is shared with you as reader:"));
        Assert.That(h.Inbox(cho)[^1], Does.Contain("is shared with you as commenter:"));
    }

    [Test]
    public async Task A_hostile_display_name_adds_no_line_to_a_digest_and_no_control_character_to_any_message()
    {
        await using var h = new CoDevelopmentHarness(o => o.DigestWindow = TimeSpan.FromMinutes(10));
        await h.RecruitAsync();
        var ben = await h.AdmitNewAsync("ben");
        var account = h.SocialNetwork.RegisterAccount("eve", "Eve\u202E\r\n- Mallory\u0007 removed everyone", "en-US");
        var session = await h.SignIn.SignInAsync(CoDevelopmentHarness.Social, account.Credential);
        await h.Project.ApplyAsync(session);
        var eve = new Person("eve", account, session, "eve@example.com");
        var code = await h.ConfirmationCodeAsync(eve);
        var member = await h.Project.AdmitAsync(session, eve.Email, code, WorkspaceRole.Editor);
        var workspace = await h.Project.ProvisionAsync(CoDevelopmentHarness.Plan);
        var document = workspace.Documents[0].Id;
        var before = h.Inbox(ben).Count;

        h.CloudService.EditDocument(member.CloudAccountId, document, "v1");
        await h.Project.SyncAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(2));
        h.CloudService.EditDocument(member.CloudAccountId, document, "v2");
        h.CloudService.Comment(member.CloudAccountId, document, "ok");
        h.Clock.Advance(TimeSpan.FromMinutes(9));
        await h.Project.SyncAsync();

        var received = h.Inbox(ben).Skip(before).ToList();
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0], Is.EqualTo("[Test Brand] Chair 2027: Eve - Mallory removed everyone edited the document 'Requirements'."));
        var digest = received[1].Split('\n');
        Assert.That(digest, Is.EqualTo(new[]
        {
            "[Test Brand] Chair 2027 workspace, 2 changes:",
            "- Eve - Mallory removed everyone edited 'Requirements'",
            "- Eve - Mallory removed everyone commented on 'Requirements'",
        }));
        Assert.That(string.Concat(received).Any(c => char.IsControl(c) && c != '\n' || c is >= '\u202A' and <= '\u202E'), Is.False);
    }

    [Test]
    public void Role_names_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["RoleDisplayNames:editor:ko-KR"] = "공동 편집자", ["RoleDisplayNames:viewer:en-US"] = "reader" })
            .Build();
        var options = new CoDevelopmentOptions();

        configuration.Bind(options);

        Assert.That(options.RoleDisplayNameFor(WorkspaceRole.Editor, "ko-KR"), Is.EqualTo("공동 편집자"));
        Assert.That(options.RoleDisplayNameFor(WorkspaceRole.Viewer, "en-US"), Is.EqualTo("reader"));
        Assert.That(options.RoleDisplayNameFor(WorkspaceRole.Commenter, "ko-KR"), Is.EqualTo("댓글 작성자"), "the SDK's name where none is set");
    }
}
