using CoCreation.Sdk.Http;

namespace ExampleSocial;

/// <summary>
/// Settings of one ExampleSocial connector (one brand account), registered under a name with
/// <c>AddExampleSocial(name, …)</c>. Bindable from configuration; validated when the app starts. The timeouts, retries
/// and the longest <c>Retry-After</c> waited out come from <see cref="HttpAdapterOptions"/>.
/// </summary>
/// <remarks><see cref="ToString"/> never shows <see cref="AccessToken"/>.</remarks>
public sealed class ExampleSocialOptions : HttpAdapterOptions
{
    /// <summary>The API's base address, for example <c>https://api.examplesocial.test/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The brand account's access token. Required. Keep it in a secret store, not in a checked-in file.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Returns a description without the token.</summary>
    /// <returns>The base address and whether a token is set.</returns>
    public override string ToString()
        => $"ExampleSocialOptions(BaseAddress = {BaseAddress}, AccessToken = {(string.IsNullOrEmpty(AccessToken) ? "(none)" : "***")})";
}

/// <summary>
/// Validates <see cref="ExampleSocialOptions"/> when the app starts and when a connector is first created. The base class
/// checks the <see cref="HttpAdapterOptions"/> settings and prefixes every failure with the connector's name.
/// </summary>
/// <remarks>Stateless and safe for concurrent use. Messages never contain the token.</remarks>
public sealed class ExampleSocialOptionsValidator : AdapterOptionsValidator<ExampleSocialOptions>
{
    /// <inheritdoc />
    protected override string AdapterKind => "ExampleSocial connector";

    /// <inheritdoc />
    protected override void Check(ExampleSocialOptions options, OptionsFailures failures)
    {
        failures.RequireBaseAddress(options.BaseAddress, nameof(options.BaseAddress), example: "https://api.examplesocial.test/");
        failures.RequireValue(options.AccessToken, nameof(options.AccessToken), "the brand account's token");
    }
}
