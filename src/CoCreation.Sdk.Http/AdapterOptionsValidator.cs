using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Http;

/// <summary>
/// Base of an adapter's options validator: collects failures, each naming the adapter and the bad option, and checks
/// the settings of <see cref="HttpAdapterOptions"/> when the options derive from it. Helpers check absolute base
/// addresses and required values; a secret's value never appears in a failure.
/// </summary>
/// <typeparam name="TOptions">The adapter's options.</typeparam>
/// <remarks>Stateless and safe for concurrent use, as long as the derived class is.</remarks>
public abstract class AdapterOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>How failures name the adapter, for example <c>Mastodon connector</c>; each failure starts with it and the registered name.</summary>
    protected abstract string AdapterKind { get; }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionsFailures($"{AdapterKind} '{name}': ");
        Check(options, failures);
        if (options is HttpAdapterOptions http)
        {
            CheckHttp(http, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Messages);
    }

    /// <summary>
    /// Validates options an adapter is constructed with directly (outside the options system) and throws when any
    /// check fails, as the options system does for registered adapters.
    /// </summary>
    /// <param name="name">The name the adapter is registered under.</param>
    /// <param name="options">The options.</param>
    /// <exception cref="OptionsValidationException">At least one check failed; the exception lists every failure.</exception>
    public void ThrowIfInvalid(string? name, TOptions options)
    {
        var result = Validate(name, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(name ?? string.Empty, typeof(TOptions), result.Failures);
        }
    }

    /// <summary>Checks the adapter's own options; the <see cref="HttpAdapterOptions"/> settings are checked afterwards.</summary>
    /// <param name="options">The options; never <see langword="null"/> (the base class checks before calling).</param>
    /// <param name="failures">Where failures go; never <see langword="null"/>.</param>
    protected abstract void Check(TOptions options, OptionsFailures failures);

    private static void CheckHttp(HttpAdapterOptions options, OptionsFailures failures)
    {
        failures.Require(options.AttemptTimeout >= TimeSpan.FromMilliseconds(10), nameof(options.AttemptTimeout), "must be at least 10 ms.");
        failures.Require(options.TotalRequestTimeout >= options.AttemptTimeout, nameof(options.TotalRequestTimeout), "must be at least AttemptTimeout.");
        failures.Require(options.MaxRetryAttempts is >= 0 and <= 10, nameof(options.MaxRetryAttempts), $"must be between 0 and 10 (was {options.MaxRetryAttempts}).");
        failures.Require(options.RetryBaseDelay >= TimeSpan.Zero && options.RetryBaseDelay <= TimeSpan.FromDays(1), nameof(options.RetryBaseDelay), "must be between 0 and 1 day.");
        failures.Require(options.MaxRetryAfter >= TimeSpan.Zero, nameof(options.MaxRetryAfter), "must not be negative.");
    }
}

/// <summary>The failures found so far; every message starts with the adapter and its name, then the option.</summary>
public sealed class OptionsFailures
{
    private readonly string prefix;
    private readonly List<string> messages = [];

    internal OptionsFailures(string prefix) => this.prefix = prefix;

    /// <summary>How many failures were found.</summary>
    public int Count => messages.Count;

    /// <summary>The failure messages.</summary>
    public IReadOnlyList<string> Messages => messages;

    /// <summary>Adds a failure about <paramref name="option"/>.</summary>
    /// <param name="option">The option's name, for example <c>Instance</c>.</param>
    /// <param name="problem">What is wrong, for example <c>must not be negative.</c>; never a secret's value.</param>
    public void Add(string option, string problem) => messages.Add($"{prefix}{option} {problem}");

    /// <summary>Adds a failure that is not about one option (for example a combination of options).</summary>
    /// <param name="message">What is wrong; never a secret's value.</param>
    public void AddGeneral(string message) => messages.Add(prefix + message);

    /// <summary>Adds a failure about <paramref name="option"/> unless <paramref name="condition"/> holds.</summary>
    /// <param name="condition">What must hold.</param>
    /// <param name="option">The option's name.</param>
    /// <param name="problem">What is wrong otherwise.</param>
    /// <returns><paramref name="condition"/>.</returns>
    public bool Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            Add(option, problem);
        }

        return condition;
    }

    /// <summary>Requires a non-blank value; the value itself never appears in the failure, so secrets may be checked too.</summary>
    /// <param name="value">The value.</param>
    /// <param name="option">The option's name.</param>
    /// <param name="hint">What the option holds, for the message, for example <c>the brand account's token</c>; or <see langword="null"/>.</param>
    /// <returns>Whether the value is set.</returns>
    public bool RequireValue(string? value, string option, string? hint = null)
        => Require(!string.IsNullOrWhiteSpace(value), option, hint is null ? "is required." : $"is required ({hint}).");

    /// <summary>
    /// Checks a base address: absolute, http or https (https only when <paramref name="httpsOnly"/>), without query or fragment.
    /// </summary>
    /// <param name="address">The address.</param>
    /// <param name="option">The option's name.</param>
    /// <param name="required">Whether a missing address is a failure.</param>
    /// <param name="example">An example for the message of a missing address, or <see langword="null"/>.</param>
    /// <param name="httpsOnly">Whether only https is allowed.</param>
    /// <returns>Whether the address is set and valid.</returns>
    public bool RequireBaseAddress(Uri? address, string option, bool required = true, string? example = null, bool httpsOnly = false)
    {
        if (address is null)
        {
            if (required)
            {
                Add(option, example is null ? "is required." : $"is required (for example {example}).");
            }

            return false;
        }

        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttps && (httpsOnly || address.Scheme != Uri.UriSchemeHttp)))
        {
            Add(option, httpsOnly ? "must be an absolute https address." : "must be an absolute http or https address.");
            return false;
        }

        return Require(string.IsNullOrEmpty(address.Query) && string.IsNullOrEmpty(address.Fragment), option, "must not have a query or fragment.");
    }
}
