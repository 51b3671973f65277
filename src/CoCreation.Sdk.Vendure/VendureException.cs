using System.Net;

namespace CoCreation.Sdk.Vendure;

/// <summary>Vendure answered a GraphQL call with an error: an entry of the <c>errors</c> array or an <c>ErrorResult</c> of a mutation.</summary>
/// <remarks>The message names the operation and Vendure's own text; it never holds a password or session token.</remarks>
public class VendureException : ProviderException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The adapter's registered name.</param>
    /// <param name="operation">The GraphQL operation, for example <c>CreateAdministrator</c>.</param>
    /// <param name="errorCode">Vendure's code: an <c>ErrorCode</c> of an <c>ErrorResult</c> (for example <c>QUANTITY_TOO_GREAT_ERROR</c>) or the <c>extensions.code</c> of an error (for example <c>FORBIDDEN</c>).</param>
    /// <param name="message">What went wrong, without secrets.</param>
    /// <param name="statusCode">The HTTP status, where there was one.</param>
    /// <param name="isTransient">Whether the same call may succeed later.</param>
    /// <param name="innerException">The cause.</param>
    public VendureException(string provider, string operation, string errorCode, string message, HttpStatusCode? statusCode = null, bool isTransient = false, Exception? innerException = null)
        : base(provider, message, statusCode, errorCode, isTransient, innerException: innerException)
    {
        Operation = operation;
        ErrorCode = errorCode;
    }

    /// <summary>The GraphQL operation that failed.</summary>
    public string Operation { get; }

    /// <summary>Vendure's error code.</summary>
    public string ErrorCode { get; }
}
