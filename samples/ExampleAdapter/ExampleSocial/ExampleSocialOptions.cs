using Microsoft.Extensions.Options;

namespace ExampleSocial;

/// <summary>
/// Settings of one ExampleSocial connector (one brand account), registered under a name with
/// <c>AddExampleSocial(name, …)</c>. Bindable from configuration; validated when the app starts.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="AccessToken"/>.</remarks>
public sealed class ExampleSocialOptions
{
    /// <summary>The API's base address, for example <c>https://api.examplesocial.test/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The brand account's access token. Required. Keep it in a secret store, not in a checked-in file.</summary>
    public string? AccessToken { get; set; }

    /// <summary>How long one HTTP call may take. Default: 30 seconds; between 1 second and 5 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns a description without the token.</summary>
    /// <returns>The base address and whether a token is set.</returns>
    public override string ToString()
        => $"ExampleSocialOptions(BaseAddress = {BaseAddress}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(none)" : "***")})";
}

/// <summary>Validates <see cref="ExampleSocialOptions"/> when the app starts and when a connector is first created.</summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the token.</remarks>
public sealed class ExampleSocialOptionsValidator : IValidateOptions<ExampleSocialOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExampleSocialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var prefix = $"ExampleSocial connector '{name}': ";
        var failures = new List<string>();
        if (options.BaseAddress is null)
        {
            failures.Add(prefix + "BaseAddress is required (for example https://api.examplesocial.test/).");
        }
        else if (!options.BaseAddress.IsAbsoluteUri || (options.BaseAddress.Scheme != Uri.UriSchemeHttps && options.BaseAddress.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add(prefix + "BaseAddress must be an absolute http or https address.");
        }
        else if (!string.IsNullOrEmpty(options.BaseAddress.Query) || !string.IsNullOrEmpty(options.BaseAddress.Fragment))
        {
            failures.Add(prefix + "BaseAddress must not have a query or fragment.");
        }

        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            failures.Add(prefix + "AccessToken is required (the brand account's token).");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(1) || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add(prefix + $"RequestTimeout must be between 1 second and 5 minutes (was {options.RequestTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
