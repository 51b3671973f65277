namespace CoCreation.Sdk.Microsoft365.Tests.Notifications;

/// <summary>
/// Graph's endpoint validation: the host reads <c>validationToken</c> out of the query with
/// <see cref="Microsoft365NotificationReceiver.TryGetValidationToken(string?, out string?)"/> and echoes it as
/// text/plain; nothing unsafe to echo is handed back.
/// </summary>
[TestFixture]
[Category("Unit")]
public sealed class ValidationTokenTests
{
    [TestCase("?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+2f0a1c", "Validation: Testing client application reachability for subscription Request-Id: 2f0a1c")]
    [TestCase("validationToken=abc123", "abc123")]
    [TestCase("?other=1&validationToken=a%20b&x=", "a b")]
    [TestCase("?validationToken=%E2%9C%93%F0%9F%98%80", "\u2713\U0001F600")]
    [TestCase("?validationToken=already-decoded-\u2713\U0001F600", "already-decoded-\u2713\U0001F600")]
    [TestCase("?validationToken=100%25", "100%")]
    public void ARawQuery_GivesTheDecodedTokenToEcho(string query, string expected)
    {
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken(query, out var token), Is.True);
        Assert.That(token, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("?")]
    [TestCase("?other=1")]
    [TestCase("?validationtoken=wrong-case")]
    [TestCase("?validationToken=")]
    [TestCase("?validationToken")]
    [TestCase("?validationToken=a&validationToken=b")]
    [TestCase("?validationToken=line%0Abreak")]
    [TestCase("?validationToken=nul%00")]
    [TestCase("?validationToken=bell%07")]
    [TestCase("?validationToken=lone%ED%A0%80surrogate")]
    [TestCase("?validationToken=bad%FFbyte")]
    [TestCase("?validationToken=broken%zzescape")]
    [TestCase("?validationToken=cut%4")]
    public void AnAbsentAmbiguousOrUnsafeToken_IsNotHandedBack(string? query)
    {
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken(query, out var token), Is.False);
        Assert.That(token, Is.Null);
    }

    [Test]
    public void ALoneSurrogate_IsNotHandedBack()
    {
        // Built at run time: an attribute argument cannot carry a lone surrogate.
        var lone = "lone" + (char)0xD800 + "surrogate";

        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken("?validationToken=" + lone, out _), Is.False);
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("validationToken", lone)], out _), Is.False);
    }

    [Test]
    public void ATokenLongerThanTheLimit_IsNotHandedBack()
    {
        var atLimit = new string('a', Microsoft365NotificationReceiver.MaxValidationTokenLength);

        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken("?validationToken=" + atLimit, out var token), Is.True);
        Assert.That(token, Is.EqualTo(atLimit));
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken("?validationToken=" + atLimit + "a", out _), Is.False);
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken("?validationToken=" + string.Concat(Enumerable.Repeat("%61", 20_000)), out _), Is.False);
    }

    [Test]
    public void ADecodedQuery_GivesTheTokenToEcho_AndRefusesTheSameUnsafeTokens()
    {
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("a", "1"), new("validationToken", "Validation: ok")], out var token), Is.True);
        Assert.That(token, Is.EqualTo("Validation: ok"));
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("validationToken", "bad\r\nheader")], out _), Is.False);
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("validationToken", "a"), new("validationToken", "b")], out _), Is.False);
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("validationToken", null)], out _), Is.False);
        Assert.That(Microsoft365NotificationReceiver.TryGetValidationToken([new("other", "x")], out _), Is.False);
    }

    [Test]
    public void TheReceiverAnswersTheHandshake_WithoutReadingTheBody_AndLeavesOtherRequestsToVerification()
    {
        using var h = new NotificationsHarness();
        var request = new WebhookRequest([], "unread"u8.ToArray());

        var answer = h.Receiver.TryAnswerHandshake([new("validationToken", "Validation: ok")], request);
        var refused = h.Receiver.TryAnswerHandshake([new("validationToken", "bad\nline")], request);
        var none = h.Receiver.TryAnswerHandshake([new("other", "x")], request);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer, Is.EqualTo(new WebhookHandshakeAnswer(200, "text/plain", "Validation: ok")));
            Assert.That(refused?.StatusCode, Is.EqualTo(400));
            Assert.That(none, Is.Null);
            Assert.That(request.IsBodyRead, Is.False);
        }
    }
}
