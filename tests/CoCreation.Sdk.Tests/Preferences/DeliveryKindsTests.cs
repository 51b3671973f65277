namespace CoCreation.Sdk.Tests.Preferences;

[TestFixture]
[Category("Unit")]
public sealed class DeliveryKindsTests
{
    [TestCase("com.cocreation.shipment.sent", "shipment")]
    [TestCase("com.cocreation.settlement.paid", "settlement")]
    [TestCase("com.cocreation.idea.stage-changed", "idea")]
    [TestCase("Com.Example.Order.Ready", "order")]
    [TestCase("order.ready", "order")]
    [TestCase("ready", "ready")]
    [TestCase("a..b", "")]
    [TestCase(".b", "")]
    [TestCase("a.", "a")]
    [TestCase("", "")]
    public void The_kind_is_the_second_to_last_segment_in_lower_case(string eventType, string kind)
        => Assert.That(DeliveryKinds.Of(eventType), Is.EqualTo(kind));

    [Test]
    public void A_null_type_is_refused()
        => Assert.Throws<ArgumentNullException>(() => DeliveryKinds.Of(null!));
}
