using System.Text;
using CoCreation.Sdk.Http.Webhooks;
using Microsoft.Extensions.Time.Testing;
using static CoCreation.Sdk.Http.Tests.Webhooks.WebhookFixtures;

namespace CoCreation.Sdk.Http.Tests.Webhooks;

/// <summary>The Standard Webhooks verifier: what it accepts, each check on its own, rotation, options and the replay guard.</summary>
[TestFixture]
[Category("Unit")]
public sealed class StandardWebhookVerifierTests
{
    [Test]
    public async Task The_signer_and_verifier_agree_with_the_specifications_published_example()
    {
        // The example the Standard Webhooks reference libraries test against.
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var time = DateTimeOffset.FromUnixTimeSeconds(1614265330);
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");

        var signature = StandardWebhookSigner.Sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time, body);
        var verifier = new StandardWebhookVerifier("example", new StandardWebhookOptions { Secret = secret }, time: new FakeTimeProvider(time));
        var verified = await verifier.VerifyAsync(Request(
            [new("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"), new("webhook-timestamp", "1614265330"), new("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")],
            body));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(signature, Is.EqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
            Assert.That(verified.MessageId, Is.EqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek"));
            Assert.That(verified.Timestamp, Is.EqualTo(time));
            Assert.That(verified.Body.ToArray(), Is.EqualTo(body));
        }
    }

    [Test]
    public async Task A_signed_request_reaches_the_parser_with_the_exact_bytes_verified()
    {
        var receiver = new CountingReceiver(Verifier(Clock()));
        var body = Body(1);

        var receipt = await receiver.ReceiveAsync(Signed("msg_1", Now, body));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(receiver.Parsed, Is.EqualTo(1));
            Assert.That(receiver.Bodies.Single(), Is.EqualTo(Encoding.UTF8.GetString(body)));
            Assert.That(receipt.Events.Single().Id, Is.EqualTo("msg_1"));
            Assert.That(receiver.Name, Is.EqualTo(Receiver));
        }
    }

    [Test]
    public async Task Header_names_in_any_case_and_extra_signatures_of_other_schemes_are_accepted()
    {
        var verifier = Verifier(Clock());
        var body = Body(2);
        var headers = Headers("msg_2", Now, body);
        var request = Request(
            [
                new("Webhook-Id", "msg_2"),
                new("WEBHOOK-TIMESTAMP", Stamp(Now)),
                new("webhook-signature", "v1a,c29tZXRoaW5nLWFzeW1tZXRyaWM= v1," + Convert.ToBase64String(new byte[32]) + " " + headers["webhook-signature"]),
            ],
            body);

        var verified = await verifier.VerifyAsync(request);

        Assert.That(verified.MessageId, Is.EqualTo("msg_2"));
    }

    [TestCase(300, true)]
    [TestCase(301, false)]
    [TestCase(-300, true)]
    [TestCase(-301, false)]
    public async Task The_timestamp_may_be_off_by_the_tolerance_and_no_more(int offsetSeconds, bool accepted)
    {
        var verifier = Verifier(Clock());
        var body = Body(3);
        var request = Signed("msg_3", Now.AddSeconds(offsetSeconds), body);

        if (accepted)
        {
            Assert.That((await verifier.VerifyAsync(request)).MessageId, Is.EqualTo("msg_3"));
            return;
        }

        var refused = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(request));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused!.Reason, Is.EqualTo(offsetSeconds > 0 ? WebhookRefusalReason.Future : WebhookRefusalReason.Stale));
            Assert.That(request.IsBodyRead, Is.False, "a timestamp outside the window is refused before the body is read");
        }
    }

    [Test]
    public async Task The_window_moves_with_the_clock()
    {
        var clock = Clock();
        var verifier = Verifier(clock, o => o.Tolerance = TimeSpan.FromMinutes(1));
        var body = Body(4);

        clock.Advance(TimeSpan.FromSeconds(61));
        var refused = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(Signed("msg_4", Now, body)));
        var accepted = await verifier.VerifyAsync(Signed("msg_5", clock.GetUtcNow(), body));

        Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.Stale));
        Assert.That(accepted.MessageId, Is.EqualTo("msg_5"));
    }

    [Test]
    public void A_declared_length_above_the_cap_is_refused_unread_and_an_undeclared_one_after_reading()
    {
        var verifier = Verifier(Clock(), o => o.MaxBodyBytes = 100);
        var body = new byte[101];

        var declared = Signed("msg_6", Now, body);
        var undeclared = Request(StandardWebhookSigner.CreateHeaders(Secret, "msg_7", Now, body), body, contentLength: false);
        var first = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(declared));
        var second = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(undeclared));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first!.Reason, Is.EqualTo(WebhookRefusalReason.Oversize));
            Assert.That(declared.IsBodyRead, Is.False);
            Assert.That(second!.Reason, Is.EqualTo(WebhookRefusalReason.Oversize));
            Assert.That(undeclared.IsBodyRead, Is.True);
        }
    }

    [Test]
    public async Task The_same_message_id_is_accepted_once()
    {
        var receiver = new CountingReceiver(Verifier(Clock()));
        var body = Body(8);

        await receiver.ReceiveAsync(Signed("msg_8", Now, body));
        var refused = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed("msg_8", Now, body)));

        Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.Replayed));
        Assert.That(receiver.Parsed, Is.EqualTo(1));
    }

    [Test]
    public async Task A_message_at_the_edge_of_the_window_cannot_be_replayed_within_its_last_second()
    {
        var clock = Clock();
        var receiver = new CountingReceiver(Verifier(clock));
        var body = Body(16);
        clock.Advance(TimeSpan.FromMilliseconds(900));

        // Signed exactly the tolerance ago (by whole seconds): still accepted, and must not be accepted again.
        await receiver.ReceiveAsync(Signed("msg_edge", Now.AddMinutes(-5), body));
        var again = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed("msg_edge", Now.AddMinutes(-5), body)));
        clock.Advance(TimeSpan.FromMilliseconds(99));
        var late = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed("msg_edge", Now.AddMinutes(-5), body)));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var stale = Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed("msg_edge", Now.AddMinutes(-5), body)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again!.Reason, Is.EqualTo(WebhookRefusalReason.Replayed));
            Assert.That(late!.Reason, Is.EqualTo(WebhookRefusalReason.Replayed));
            Assert.That(stale!.Reason, Is.EqualTo(WebhookRefusalReason.Stale), "once the next second starts the timestamp check takes over");
            Assert.That(receiver.Parsed, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task A_forged_request_does_not_use_up_its_message_id()
    {
        var receiver = new CountingReceiver(Verifier(Clock()));
        var body = Body(9);

        Assert.ThrowsAsync<WebhookVerificationException>(() => receiver.ReceiveAsync(Signed("msg_9", Now, body, StandardWebhookSigner.GenerateSecret())));
        await receiver.ReceiveAsync(Signed("msg_9", Now, body));

        Assert.That(receiver.Parsed, Is.EqualTo(1), "the genuine message with that id still gets through");
    }

    [Test]
    public async Task Rotation_accepts_the_previous_secret_while_it_is_set_and_refuses_it_after()
    {
        var old = Secret;
        var next = StandardWebhookSigner.GenerateSecret();
        var verifier = Verifier(Clock(), o =>
        {
            o.Secret = next;
            o.PreviousSecret = old;
        });
        var body = Body(10);

        var byOld = await verifier.VerifyAsync(Signed("msg_10", Now, body, old));
        var byNext = await verifier.VerifyAsync(Signed("msg_11", Now, body, next));

        verifier.RotateSecrets(next);
        var refused = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(Signed("msg_12", Now, body, old)));
        var stillNext = await verifier.VerifyAsync(Signed("msg_13", Now, body, next));

        // A host restarted with the previous secret removed from its options refuses it as well.
        var restarted = Verifier(Clock(), o => o.Secret = next);
        var refusedAfterRestart = Assert.ThrowsAsync<WebhookVerificationException>(async () => await restarted.VerifyAsync(Signed("msg_14", Now, body, old)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byOld.SignedWithPreviousSecret, Is.True);
            Assert.That(byNext.SignedWithPreviousSecret, Is.False);
            Assert.That(refused!.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
            Assert.That(stillNext.MessageId, Is.EqualTo("msg_13"));
            Assert.That(verifier.HasPreviousSecret, Is.False);
            Assert.That(refusedAfterRestart!.Reason, Is.EqualTo(WebhookRefusalReason.BadSignature));
        }
    }

    [Test]
    public void A_rotation_to_a_bad_secret_changes_nothing()
    {
        var verifier = Verifier(Clock(), o => o.PreviousSecret = StandardWebhookSigner.GenerateSecret());

        var ex = Assert.Throws<CoCreationValidationException>(() => verifier.RotateSecrets("whsec_short"));

        Assert.That(ex!.Field, Is.EqualTo("Secret"));
        Assert.That(verifier.HasPreviousSecret, Is.True);
    }

    private static readonly object[] BadSecrets =
    [
        new object[] { "not-a-whsec-secret-at-all-but-long-enough", "must start with 'whsec_'" },
        new object[] { "whsec_%%%%not*base64%%%%%%%%%%%%%%%%%%%%", "followed by base64" },
        new object[] { "whsec_" + Convert.ToBase64String(new byte[8]), "between 24 and 64 bytes" },
        new object[] { "whsec_" + Convert.ToBase64String(new byte[80]), "at most 64 bytes" },
    ];

    [TestCaseSource(nameof(BadSecrets))]
    public void A_badly_formed_secret_is_refused_at_construction_without_being_quoted(string secret, string problem)
    {
        var ex = Assert.Throws<CoCreationValidationException>(() => new StandardWebhookVerifier(Receiver, new StandardWebhookOptions { Secret = secret }));
        var validated = new StandardWebhookOptionsValidator().Validate("shop", new StandardWebhookOptions { Secret = Secret, PreviousSecret = secret });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("Secret"));
            Assert.That(ex.Message, Does.Contain(problem));
            Assert.That(ex.Message, Does.Not.Contain(secret["whsec_".Length..]));
            Assert.That(validated.Failed, Is.True);
            Assert.That(validated.FailureMessage, Does.Contain("PreviousSecret"));
            Assert.That(validated.FailureMessage, Does.Not.Contain(secret["whsec_".Length..]));
        }
    }

    [Test]
    public void Missing_secret_and_out_of_range_limits_are_each_named()
    {
        var result = new StandardWebhookOptionsValidator().Validate("shop", new StandardWebhookOptions
        {
            Tolerance = TimeSpan.Zero,
            MaxBodyBytes = 0,
        });

        Assert.That(result.Failures, Is.EqualTo(new[]
        {
            "Standard webhook 'shop': Secret is required.",
            "Standard webhook 'shop': Tolerance must be between 1 second and 1 hour.",
            $"Standard webhook 'shop': MaxBodyBytes must be between 1 and {StandardWebhookOptions.MaxAllowedBodyBytes} (was 0).",
        }));
        Assert.That(new StandardWebhookOptionsValidator().Validate("shop", new StandardWebhookOptions { Secret = Secret }).Succeeded, Is.True);
    }

    [Test]
    public void A_refusal_message_names_the_receiver_and_never_the_secret_or_the_signature()
    {
        var verifier = Verifier(Clock());
        var body = Body(15);
        var forged = Headers("msg_15", Now, body, StandardWebhookSigner.GenerateSecret());

        var ex = Assert.ThrowsAsync<WebhookVerificationException>(async () => await verifier.VerifyAsync(Request(forged, body)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Provider, Is.EqualTo(Receiver));
            Assert.That(ex.Message, Does.Contain("'shop'"));
            Assert.That(ex.Message, Does.Not.Contain(Secret["whsec_".Length..]));
            Assert.That(ex.Message, Does.Not.Contain(forged["webhook-signature"][3..]));
        }
    }

    [Test]
    public void The_signer_refuses_a_bad_secret_or_message_id()
    {
        Assert.Throws<CoCreationValidationException>(() => StandardWebhookSigner.Sign("whsec_x", "msg", Now, []));
        Assert.Throws<CoCreationValidationException>(() => StandardWebhookSigner.Sign(Secret, "has space", Now, []));
        Assert.That(StandardWebhookSigner.GenerateSecret(), Does.StartWith("whsec_"));
        Assert.That(StandardWebhookSigner.GenerateSecret(), Is.Not.EqualTo(StandardWebhookSigner.GenerateSecret()));
    }

    [Test]
    public void The_existing_constructor_leaves_the_reason_unspecified()
    {
        var ex = new WebhookVerificationException("p", "m");

        Assert.That(ex.Reason, Is.EqualTo(WebhookRefusalReason.Unspecified));
        Assert.That(new WebhookVerificationException("p", WebhookRefusalReason.Replayed, "m").Reason, Is.EqualTo(WebhookRefusalReason.Replayed));
    }
}

/// <summary>The in-memory replay guard: bounded, expiring, per receiver.</summary>
[TestFixture]
[Category("Unit")]
public sealed class InMemoryWebhookReplayGuardTests
{
    [Test]
    public async Task It_holds_no_more_than_its_capacity_forgetting_the_oldest()
    {
        var clock = Clock();
        var guard = new InMemoryWebhookReplayGuard(capacity: 3, time: clock);
        var until = Now.AddMinutes(5);

        for (var i = 0; i < 5; i++)
        {
            Assert.That(await guard.TryRecordAsync("r", $"id{i}", until), Is.True);
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(guard.Count, Is.EqualTo(3));
            Assert.That(await guard.TryRecordAsync("r", "id4", until), Is.False, "the newest is still held");
            Assert.That(await guard.TryRecordAsync("r", "id0", until), Is.True, "the oldest was forgotten");
        }
    }

    [Test]
    public async Task An_id_is_forgotten_when_it_expires_and_ids_of_receivers_do_not_collide()
    {
        var clock = Clock();
        var guard = new InMemoryWebhookReplayGuard(time: clock);

        Assert.That(await guard.TryRecordAsync("a", "id", Now.AddMinutes(5)), Is.True);
        Assert.That(await guard.TryRecordAsync("b", "id", Now.AddMinutes(5)), Is.True);
        Assert.That(await guard.TryRecordAsync("a", "id", Now.AddMinutes(5)), Is.False);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await guard.TryRecordAsync("a", "id", Now.AddMinutes(10)), Is.True);
        clock.Advance(TimeSpan.FromMinutes(20));
        await guard.TryRecordAsync("c", "other", Now.AddMinutes(30));
        Assert.That(guard.Count, Is.EqualTo(1), "expired ids are dropped as new ones arrive");
    }

    [Test]
    public void A_capacity_below_one_is_refused()
        => Assert.Throws<CoCreationValidationException>(() => _ = new InMemoryWebhookReplayGuard(0));
}
