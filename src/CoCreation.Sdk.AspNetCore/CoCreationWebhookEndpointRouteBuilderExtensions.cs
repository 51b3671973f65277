using CoCreation.Sdk;
using CoCreation.Sdk.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CoCreation.Sdk webhook endpoint.</summary>
public static class CoCreationWebhookEndpointRouteBuilderExtensions
{
    /// <summary>The route parameter that names the receiver.</summary>
    public const string ReceiverNameParameter = "receiverName";

    /// <summary>
    /// Maps <c>POST {prefix}/{receiverName}</c> for every <see cref="IWebhookReceiver"/> registered with
    /// <c>AddWebhookReceiver</c> (and by adapters). The body is read as the exact bytes sent, under
    /// <see cref="CoCreationWebhookEndpointOptions.MaxBodyBytes"/>, and handed to <c>IEventPipeline.ReceiveWebhookAsync</c>.
    /// </summary>
    /// <remarks>
    /// Answers: 404 for a name no receiver has; the receiver's own answer to a handshake (<see cref="IWebhookHandshake"/>);
    /// 413 for a body above the cap (declared or read) or refused by the receiver as oversize; 401 for any other
    /// refused verification, with no body; 202 once the receipt's events are published and its sources polled.
    /// Other failures (the store, a provider call a lifecycle notification needs) propagate, so the host answers 500
    /// and the provider sends again.
    /// </remarks>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The path prefix; <c>/webhooks</c> by default.</param>
    /// <param name="configure">Changes the settings.</param>
    /// <returns>A builder to add conventions (host filters, rate limiting) to the endpoint.</returns>
    /// <exception cref="CoCreationValidationException"><paramref name="prefix"/> does not start with <c>/</c>, or a setting is out of range.</exception>
    public static IEndpointConventionBuilder MapCoCreationWebhooks(this IEndpointRouteBuilder endpoints, string prefix = "/webhooks", Action<CoCreationWebhookEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (string.IsNullOrEmpty(prefix) || prefix[0] != '/' || prefix.Contains('{', StringComparison.Ordinal))
        {
            throw new CoCreationValidationException(nameof(prefix), "must start with '/' and hold no route parameters.");
        }

        var options = new CoCreationWebhookEndpointOptions();
        configure?.Invoke(options);
        if (options.MaxBodyBytes is < 1 or > CoCreationWebhookEndpointOptions.MaxAllowedBodyBytes)
        {
            throw new CoCreationValidationException(nameof(options.MaxBodyBytes), $"must be between 1 and {CoCreationWebhookEndpointOptions.MaxAllowedBodyBytes} (was {options.MaxBodyBytes}).");
        }

        var endpoint = new WebhookEndpoint(options.MaxBodyBytes);
        var pattern = prefix.TrimEnd('/') + "/{" + ReceiverNameParameter + "}";
        return endpoints.MapPost(pattern, (RequestDelegate)endpoint.HandleAsync)
            .WithDisplayName("CoCreation webhooks")
            .DisableRequestTimeout();
    }
}
