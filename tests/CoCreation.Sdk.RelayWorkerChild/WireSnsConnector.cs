using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CoCreation.Sdk.Sns;

namespace CoCreation.Sdk.RelayWorkerChild;

/// <summary>
/// Sends the relay's direct messages over HTTP to the embedded SNS the test serves, with the delivery key as the
/// idempotency key; the network takes keys, so a re-send after a crash is dropped there.
/// </summary>
public sealed class WireSnsConnector(HttpClient http, Uri baseAddress, string token) : SnsConnectorBase
{
    /// <inheritdoc />
    public override SnsConnectorMetadata Metadata { get; } = new(WorkerPlan.Network, WorkerPlan.Network, baseAddress.Authority, "Crash test network");

    /// <inheritdoc />
    public override SnsCapabilities Capabilities { get; } = new() { MaxPostLength = 500, SupportsDirectMessages = true, SupportsIdempotencyKeys = true };

    /// <inheritdoc />
    protected override Task<SnsIdentity> VerifyCredentialsCoreAsync(SnsCredential credential, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(WorkerPlan.Network, "sign-in");

    /// <inheritdoc />
    protected override Task<SnsPost> PublishCoreAsync(PostRequest request, CancellationToken cancellationToken)
        => throw new CapabilityNotSupportedException(WorkerPlan.Network, "posts");

    /// <inheritdoc />
    protected override async Task<SnsMessage> SendDirectMessageCoreAsync(DirectMessageRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, WorkerPlan.MessagesPath))
        {
            Content = JsonContent.Create(new WireMessage(request.RecipientSubject, request.Text, request.IdempotencyKey)),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(WorkerPlan.Network, "the network could not be reached", isTransient: true, innerException: ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var transient = response.StatusCode is HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
                var wait = response.Headers.RetryAfter?.Delta;
                throw new ProviderException(WorkerPlan.Network, $"the network answered {(int)response.StatusCode}", response.StatusCode, isTransient: transient, retryAfter: wait);
            }

            var sent = await response.Content.ReadFromJsonAsync<WireMessageSent>(cancellationToken).ConfigureAwait(false)
                ?? throw new ProviderException(WorkerPlan.Network, "the network answered without a message");
            return new SnsMessage { Id = sent.Id, Network = WorkerPlan.Network, RecipientSubject = request.RecipientSubject, Text = request.Text, SentAt = sent.SentAt };
        }
    }

    /// <summary>A string for logs.</summary>
    /// <returns>The network and its address.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{WorkerPlan.Network} at {baseAddress}");
}
