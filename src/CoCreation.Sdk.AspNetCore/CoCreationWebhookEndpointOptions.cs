namespace CoCreation.Sdk.AspNetCore;

/// <summary>Settings of the endpoint <c>MapCoCreationWebhooks</c> maps.</summary>
public sealed class CoCreationWebhookEndpointOptions
{
    /// <summary>The default <see cref="MaxBodyBytes"/>: 1 MiB.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>The largest <see cref="MaxBodyBytes"/> allowed: 16 MiB.</summary>
    public const int MaxAllowedBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The largest body read, in bytes, for any receiver (a receiver may cap lower): a larger <c>Content-Length</c> is
    /// answered 413 unread, and a body that turns out larger while it is read is answered 413 too.
    /// </summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
