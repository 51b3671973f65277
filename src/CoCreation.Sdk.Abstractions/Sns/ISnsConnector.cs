namespace CoCreation.Sdk.Sns;

/// <summary>
/// One social network account (the brand's) and what the SDK does on that network: verify a
/// member's login, publish, run polls, send direct messages, search and read replies.
/// </summary>
/// <remarks>
/// Implementations must be safe for concurrent use. Adapter authors derive from
/// <see cref="SnsConnectorBase"/>, which checks every request against <see cref="Capabilities"/>
/// before anything is sent.
/// </remarks>
public interface ISnsConnector
{
    /// <summary>Which network and instance this connector talks to.</summary>
    SnsConnectorMetadata Metadata { get; }

    /// <summary>What this network can do; the SDK adapts to it.</summary>
    SnsCapabilities Capabilities { get; }

    /// <summary>Verifies a member's credential and returns who they are (the SNS login).</summary>
    /// <param name="credential">The member's token.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The verified identity.</returns>
    /// <exception cref="CredentialException">The credential is unknown, expired or revoked.</exception>
    Task<SnsIdentity> VerifyCredentialsAsync(SnsCredential credential, CancellationToken cancellationToken = default);

    /// <summary>Publishes a post as the brand, or as a member when <see cref="PostRequest.Author"/> is set.</summary>
    /// <param name="request">The post.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The published post.</returns>
    /// <exception cref="CoCreationValidationException">The post does not fit the network's limits.</exception>
    Task<SnsPost> PublishAsync(PostRequest request, CancellationToken cancellationToken = default);

    /// <summary>Publishes a native poll.</summary>
    /// <param name="request">The poll.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The poll and its post.</returns>
    /// <exception cref="CapabilityNotSupportedException">The network has no polls.</exception>
    /// <exception cref="CoCreationValidationException">The poll does not fit the network's limits.</exception>
    Task<SnsPoll> CreatePollAsync(PollRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads a poll's current counts.</summary>
    /// <param name="pollId">The poll id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts per option.</returns>
    /// <exception cref="ResourceNotFoundException">No such poll.</exception>
    Task<PollResults> GetPollResultsAsync(string pollId, CancellationToken cancellationToken = default);

    /// <summary>Sends a direct message from the brand to a member.</summary>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sent message.</returns>
    /// <exception cref="CapabilityNotSupportedException">The network has no direct messages.</exception>
    Task<SnsMessage> SendDirectMessageAsync(DirectMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Searches public posts by text or hashtag, newest first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels every page fetch.</param>
    /// <returns>The matching posts, paged.</returns>
    AsyncPageable<SnsPost> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);

    /// <summary>Reads the replies to a post (the whole thread below it), oldest first.</summary>
    /// <param name="postId">The post id.</param>
    /// <param name="cancellationToken">Cancels every page fetch.</param>
    /// <returns>The replies, paged.</returns>
    AsyncPageable<SnsPost> GetRepliesAsync(string postId, CancellationToken cancellationToken = default);
}
