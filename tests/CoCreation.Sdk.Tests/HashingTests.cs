using System.Security.Cryptography;
using System.Text;

namespace CoCreation.Sdk.Tests;

/// <summary>The short hashes delivery keys are made of.</summary>
[TestFixture]
[Category("Unit")]
public sealed class HashingTests
{
    [TestCase("", 16)]
    [TestCase("urn:cocreation:module:benchmarks#evt-1", 16)]
    [TestCase("urn:cocreation:module:benchmarks#evt-1\nparticipant-7\nDirectMessage", 16)]
    [TestCase("동아패션 주문 PO-1042", 1)]
    [TestCase("동아패션 주문 PO-1042", 63)]
    [TestCase("동아패션 주문 PO-1042", 64)]
    [TestCase("x", 0)]
    public void The_hash_is_the_start_of_the_lower_case_hex_sha256_of_the_utf8_text(string text, int length)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];
        Assert.That(Hashing.Sha256Hex(text, length), Is.EqualTo(expected));
    }

    [Test]
    public void A_text_longer_than_the_stack_buffer_hashes_the_same_way()
    {
        var text = string.Concat(Enumerable.Repeat("주문-ünïcödé-", 200));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        Assert.That(Hashing.Sha256Hex(text, 16), Is.EqualTo(expected));
        Assert.Throws<ArgumentOutOfRangeException>(() => Hashing.Sha256Hex(text, 65));
    }
}
