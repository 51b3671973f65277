using NUnit.Framework;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// Finds the real servers (peers) that integration tests run against. <c>.ci/run</c> starts every peer under
/// <c>eng/peers/</c>, exports where each one listens, and sets <see cref="RequireVariable"/> so that a missing
/// peer fails the run instead of passing it quietly.
/// </summary>
public static class Peers
{
    /// <summary>The environment variable that turns a missing peer into a test failure (value <c>1</c>).</summary>
    public const string RequireVariable = "COCREATION_REQUIRE_PEERS";

    /// <summary>Whether this run demands every peer (set by <c>.ci/run</c>).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>
    /// Returns the value of <paramref name="variable"/>, which a peer's start script exported. When it is absent,
    /// the test fails if <see cref="Required"/> holds, and is reported as ignored otherwise, with the command that
    /// starts the peer.
    /// </summary>
    /// <param name="variable">The environment variable the peer's script exports, for example <c>COCREATION_TRYTON_URL</c>.</param>
    /// <param name="startHint">How a developer starts the peer locally, shown in the message.</param>
    /// <returns>The variable's value.</returns>
    public static string Get(string variable, string startHint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var message = $"The peer that sets {variable} is not running. Start it with: {startHint}";
        if (Required)
        {
            Assert.Fail(message);
        }

        Assert.Ignore(message);
        return string.Empty;
    }
}
