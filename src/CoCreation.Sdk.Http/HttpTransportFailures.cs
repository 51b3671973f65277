using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CoCreation.Sdk.Http;

/// <summary>
/// Turns a failure that happened before any HTTP response arrived into a <see cref="ProviderException"/>, the same way
/// in every HTTP adapter: a timeout, an open circuit and an unreachable server are transient; anything else is not.
/// </summary>
/// <remarks>Stateless and safe for concurrent use.</remarks>
public static class HttpTransportFailures
{
    /// <summary>Classifies <paramref name="exception"/>: timeout, open circuit, unreachable, or another failure before a response.</summary>
    /// <param name="service">The service's display name for messages, for example <c>Mastodon</c>.</param>
    /// <param name="provider">The adapter's registered name.</param>
    /// <param name="operation">The call, as the adapter names it in messages and logs.</param>
    /// <param name="exception">What the HTTP pipeline threw.</param>
    /// <returns>The typed failure; transient ones are marked retryable.</returns>
    public static ProviderException Classify(string service, string provider, string operation, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (Find<TimeoutRejectedException>(exception) is not null || Find<TimeoutException>(exception) is not null || exception is OperationCanceledException)
        {
            return new ProviderException(provider, $"{service} ({provider}) did not answer {operation} in time.", HttpStatusCode.RequestTimeout, "timeout", true, null, exception);
        }

        if (Find<BrokenCircuitException>(exception) is not null)
        {
            return new ProviderException(provider, $"{service} ({provider}) failed too often recently; {operation} was not sent.", null, "circuit_open", true, null, exception);
        }

        if (Find<HttpRequestException>(exception) is not null)
        {
            return new ProviderException(provider, $"{service} ({provider}) could not be reached for {operation}.", null, "unreachable", true, null, exception);
        }

        return new ProviderException(provider, $"{service} ({provider}) call {operation} failed before a response arrived.", null, null, false, null, exception);
    }

    /// <summary>The first exception of type <typeparamref name="T"/> in <paramref name="exception"/>'s chain of inner exceptions.</summary>
    /// <typeparam name="T">The exception type looked for.</typeparam>
    /// <param name="exception">Where the chain starts.</param>
    /// <returns>The match, or <see langword="null"/>.</returns>
    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
