namespace CoCreation.Sdk.Sns;

/// <summary>
/// The base for SNS adapters. It checks every request against <see cref="ISnsConnector.Capabilities"/>
/// and refuses bad input before the adapter's code runs; adapters implement the <c>…CoreAsync</c> methods.
/// Optional features throw <see cref="CapabilityNotSupportedException"/> unless overridden.
/// </summary>
public abstract class SnsConnectorBase : ISnsConnector
{
    /// <inheritdoc />
    public abstract SnsConnectorMetadata Metadata { get; }

    /// <inheritdoc />
    public abstract SnsCapabilities Capabilities { get; }

    /// <inheritdoc />
    public Task<SnsIdentity> VerifyCredentialsAsync(SnsCredential credential, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return VerifyCredentialsCoreAsync(credential, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SnsPost> PublishAsync(PostRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidatePost(request);
        return PublishCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SnsPoll> CreatePollAsync(PollRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidatePoll(request);
        return CreatePollCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public Task<PollResults> GetPollResultsAsync(string pollId, CancellationToken cancellationToken = default)
    {
        if (!Capabilities.SupportsPolls)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "polls");
        }

        CoCreationGuard.NotBlank(pollId, nameof(pollId));
        return GetPollResultsCoreAsync(pollId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SnsMessage> SendDirectMessageAsync(DirectMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var capabilities = Capabilities;
        if (!capabilities.SupportsDirectMessages)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "direct messages");
        }

        CoCreationGuard.NotBlank(request.RecipientSubject, "DirectMessageRequest.RecipientSubject");
        CoCreationGuard.NotBlank(request.Text, "DirectMessageRequest.Text");
        CoCreationGuard.MaxLength(request.Text, capabilities.MaxPostLength, "DirectMessageRequest.Text");
        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "DirectMessageRequest.IdempotencyKey");
        return SendDirectMessageCoreAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public AsyncPageable<SnsPost> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!Capabilities.SupportsSearch)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "search");
        }

        CoCreationGuard.NotBlank(query.Text, "SearchQuery.Text");
        return SearchCore(query, cancellationToken);
    }

    /// <inheritdoc />
    public AsyncPageable<SnsPost> GetRepliesAsync(string postId, CancellationToken cancellationToken = default)
    {
        if (!Capabilities.SupportsReplies)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "replies");
        }

        CoCreationGuard.NotBlank(postId, nameof(postId));
        return GetRepliesCore(postId, cancellationToken);
    }

    /// <summary>Checks a post against the capabilities; called by <see cref="PublishAsync"/>.</summary>
    /// <param name="request">The post.</param>
    /// <exception cref="CoCreationValidationException">The post does not fit.</exception>
    /// <exception cref="CapabilityNotSupportedException">Member posting is not supported.</exception>
    protected virtual void ValidatePost(PostRequest request)
    {
        ValidatePostContent(request);
        var capabilities = Capabilities;
        CoCreationGuard.MaxLength(request.Text, capabilities.MaxPostLength, "PostRequest.Text");

        if (request.Author is not null && !capabilities.SupportsMemberPosting)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "posting as a member");
        }
    }

    /// <summary>
    /// Checks what a post needs on every network, whatever its capabilities: text, mentions, the reply target, the
    /// visibility and the idempotency key. <see cref="ValidatePost"/> calls it; an override that cannot check the
    /// capabilities yet calls it alone.
    /// </summary>
    /// <param name="request">The post.</param>
    /// <exception cref="CoCreationValidationException">A field is blank, unknown or too long.</exception>
    protected static void ValidatePostContent(PostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Text, "PostRequest.Text");
        for (var i = 0; i < request.Mentions.Count; i++)
        {
            CoCreationGuard.NotBlank(request.Mentions[i], $"PostRequest.Mentions[{i}]");
        }

        if (request.InReplyToId is not null)
        {
            CoCreationGuard.NotBlank(request.InReplyToId, "PostRequest.InReplyToId");
        }

        if (!Enum.IsDefined(request.Visibility))
        {
            throw new CoCreationValidationException("PostRequest.Visibility", $"{request.Visibility} is not a visibility.");
        }

        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "PostRequest.IdempotencyKey");
    }

    /// <summary>
    /// Checks what a poll needs on every network, whatever its capabilities: a question, at least two options, none
    /// blank, and the idempotency key. <see cref="ValidatePoll"/> calls it; an override that cannot check the
    /// capabilities yet calls it alone.
    /// </summary>
    /// <param name="request">The poll.</param>
    /// <exception cref="CoCreationValidationException">A field is blank or too long, or there are fewer than two options.</exception>
    protected static void ValidatePollContent(PollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoCreationGuard.NotBlank(request.Question, "PollRequest.Question");
        if (request.Options is null || request.Options.Count < 2)
        {
            throw new CoCreationValidationException("PollRequest.Options", $"a poll needs at least 2 options (got {request.Options?.Count ?? 0}).");
        }

        for (var i = 0; i < request.Options.Count; i++)
        {
            CoCreationGuard.NotBlank(request.Options[i], $"PollRequest.Options[{i}]");
        }

        CoCreationGuard.IdempotencyKey(request.IdempotencyKey, "PollRequest.IdempotencyKey");
    }

    /// <summary>Checks a poll against the capabilities; called by <see cref="CreatePollAsync"/>.</summary>
    /// <param name="request">The poll.</param>
    /// <exception cref="CoCreationValidationException">The poll does not fit.</exception>
    /// <exception cref="CapabilityNotSupportedException">The network has no polls, or not of this kind.</exception>
    protected virtual void ValidatePoll(PollRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caps = Capabilities;
        if (!caps.SupportsPolls)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "polls");
        }

        ValidatePollContent(request);
        CoCreationGuard.MaxLength(request.Question, caps.MaxPostLength, "PollRequest.Question");

        if (request.Options.Count > caps.MaxPollOptions)
        {
            throw new CoCreationValidationException("PollRequest.Options", $"{Metadata.Name} allows at most {caps.MaxPollOptions} options (got {request.Options.Count}).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Options.Count; i++)
        {
            var field = $"PollRequest.Options[{i}]";
            CoCreationGuard.MaxLength(request.Options[i], caps.MaxPollOptionLength, field);
            if (!seen.Add(request.Options[i].Trim()))
            {
                throw new CoCreationValidationException(field, $"repeats the option '{request.Options[i]}'.");
            }
        }

        if (request.Duration < caps.MinPollDuration || request.Duration > caps.MaxPollDuration)
        {
            throw new CoCreationValidationException("PollRequest.Duration", $"must be between {caps.MinPollDuration} and {caps.MaxPollDuration} (was {request.Duration}).");
        }

        if (request.AllowMultiple && !caps.SupportsMultipleChoicePolls)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "multiple-choice polls");
        }

        if (request.Author is not null && !caps.SupportsMemberPosting)
        {
            throw new CapabilityNotSupportedException(Metadata.Name, "posting as a member");
        }
    }

    /// <summary>Verifies a credential at the network.</summary>
    /// <param name="credential">The credential.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The identity.</returns>
    protected abstract Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken);

    /// <summary>Publishes a validated post.</summary>
    /// <param name="request">The post.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The post.</returns>
    protected abstract Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken);

    /// <summary>Publishes a validated poll. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="request">The poll.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The poll.</returns>
    protected virtual Task<SnsPoll> CreatePollCoreAsync(PollRequest request, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "polls");

    /// <summary>Reads a poll's counts. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="pollId">The poll id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The counts.</returns>
    protected virtual Task<PollResults> GetPollResultsCoreAsync(string pollId, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "polls");

    /// <summary>Sends a validated direct message. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The message.</returns>
    protected virtual Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "direct messages");

    /// <summary>Searches. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels every page fetch.</param>
    /// <returns>The posts, paged.</returns>
    protected virtual AsyncPageable<SnsPost> SearchCore(SearchQuery query, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "search");

    /// <summary>Reads replies. The default throws <see cref="CapabilityNotSupportedException"/>.</summary>
    /// <param name="postId">The post id.</param>
    /// <param name="cancellationToken">Cancels every page fetch.</param>
    /// <returns>The replies, paged.</returns>
    protected virtual AsyncPageable<SnsPost> GetRepliesCore(string postId, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(Metadata.Name, "replies");
}
