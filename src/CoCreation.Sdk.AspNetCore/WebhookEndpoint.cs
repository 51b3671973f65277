using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoCreation.Sdk.AspNetCore;

/// <summary>The handler behind <c>MapCoCreationWebhooks</c>.</summary>
internal sealed class WebhookEndpoint(int maxBodyBytes)
{
    public const string LoggerCategory = "CoCreation.Sdk.AspNetCore.Webhooks";

    public async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        var name = http.Request.RouteValues[CoCreationWebhookEndpointRouteBuilderExtensions.ReceiverNameParameter] as string;
        var receiver = name is null ? null : Find(services, name);
        if (receiver is null)
        {
            Log.UnknownReceiver(logger);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // The server enforces the cap as well, where it can (Kestrel, IIS); the read below enforces it everywhere.
        var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBodyBytes;
        }

        var request = new WebhookRequest(Headers(http.Request), ct => ReadBodyAsync(http.Request, receiver.Name, maxBodyBytes, ct));
        if (receiver is IWebhookHandshake handshake && handshake.TryAnswerHandshake(Query(http.Request), request) is { } answer)
        {
            Log.Handshake(logger, receiver.Name, answer.StatusCode);
            http.Response.StatusCode = answer.StatusCode;
            http.Response.Headers.XContentTypeOptions = "nosniff";
            if (answer.Body.Length > 0)
            {
                http.Response.ContentType = answer.ContentType;
                await http.Response.WriteAsync(answer.Body, http.RequestAborted).ConfigureAwait(false);
            }

            return;
        }

        if (http.Request.ContentLength > maxBodyBytes)
        {
            Log.Refused(logger, receiver.Name, StatusCodes.Status413PayloadTooLarge, WebhookRefusalReason.Oversize);
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        IReadOnlyList<RelayResult> results;
        try
        {
            results = await services.GetRequiredService<IEventPipeline>().ReceiveWebhookAsync(receiver.Name, request, http.RequestAborted).ConfigureAwait(false);
        }
        catch (WebhookVerificationException refused)
        {
            // The status and the reason only: the message stays in the server's own logs at most, never in the answer.
            var status = refused.Reason == WebhookRefusalReason.Oversize ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status401Unauthorized;
            Log.Refused(logger, receiver.Name, status, refused.Reason);
            http.Response.StatusCode = status;
            return;
        }

        Log.Accepted(logger, receiver.Name, results.Count);
        http.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private static IWebhookReceiver? Find(IServiceProvider services, string name)
    {
        foreach (var receiver in services.GetServices<IWebhookReceiver>())
        {
            if (string.Equals(receiver.Name, name, StringComparison.Ordinal))
            {
                return receiver;
            }
        }

        return null;
    }

    private static List<KeyValuePair<string, string>> Headers(HttpRequest request)
    {
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count + 1);
        foreach (var (key, value) in request.Headers)
        {
            headers.Add(KeyValuePair.Create(key, value.ToString()));
        }

        // Some servers keep the declared length out of the header collection; receivers read it from there.
        if (request.ContentLength is { } length && !request.Headers.ContainsKey("Content-Length"))
        {
            headers.Add(KeyValuePair.Create("Content-Length", length.ToString(CultureInfo.InvariantCulture)));
        }

        return headers;
    }

    private static List<KeyValuePair<string, string?>> Query(HttpRequest request)
    {
        var query = new List<KeyValuePair<string, string?>>();
        foreach (var (key, values) in request.Query)
        {
            foreach (var value in values)
            {
                query.Add(KeyValuePair.Create(key, value));
            }
        }

        return query;
    }

    // Reads the body exactly as sent, refusing it as soon as it passes the cap.
    internal static async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, string receiver, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        var buffer = new byte[declared is { } d && d <= maxBodyBytes ? (int)d + 1 : Math.Min(maxBodyBytes + 1, 16 * 1024)];
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    if (buffer.Length > maxBodyBytes)
                    {
                        throw TooLarge(receiver);
                    }

                    Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, maxBodyBytes + 1L));
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                total += read;
                if (total > maxBodyBytes)
                {
                    throw TooLarge(receiver);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(receiver);
        }

        return buffer.AsMemory(0, total);
    }

    private static WebhookVerificationException TooLarge(string receiver)
        => new(receiver, WebhookRefusalReason.Oversize, $"Webhook for '{receiver}' refused: the body is larger than the endpoint allows.");
}
