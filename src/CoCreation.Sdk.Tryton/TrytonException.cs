using System.Net;

namespace CoCreation.Sdk.Tryton;

/// <summary>Tryton answered a JSON-RPC call with an error (a user error, an access error, a server fault).</summary>
/// <remarks>The message names the model and method and Tryton's own text; it never holds a password or session key.</remarks>
public class TrytonException : ProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The adapter's registered name.</param>
    /// <param name="model">The Tryton model called, for example <c>production</c>; <see langword="null"/> for <c>common.*</c> calls.</param>
    /// <param name="method">The method called, for example <c>create</c> or <c>common.db.login</c>.</param>
    /// <param name="errorType">Tryton's error type, for example <c>UserError</c> or <c>AccessError</c>.</param>
    /// <param name="message">What went wrong, without secrets.</param>
    /// <param name="statusCode">The HTTP status, where there was one.</param>
    /// <param name="isTransient">Whether the same call may succeed later.</param>
    /// <param name="innerException">The cause.</param>
    public TrytonException(string provider, string? model, string method, string errorType, string message, HttpStatusCode? statusCode = null, bool isTransient = false, Exception? innerException = null)
        : base(provider, message, statusCode, errorType, isTransient, innerException: innerException)
    {
        Model = model;
        Method = method;
        ErrorType = errorType;
    }

    /// <summary>The Tryton model called; <see langword="null"/> for <c>common.*</c> calls.</summary>
    public string? Model { get; }

    /// <summary>The method called.</summary>
    public string Method { get; }

    /// <summary>Tryton's error type, for example <c>UserError</c>.</summary>
    public string ErrorType { get; }
}
