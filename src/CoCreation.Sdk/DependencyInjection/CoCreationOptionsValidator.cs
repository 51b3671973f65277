namespace CoCreation.Sdk;

/// <summary>
/// Checks <see cref="CoCreationOptions"/> when they are first built. It throws
/// <see cref="CoCreationValidationException"/> (rather than returning a failure, which the options
/// system would wrap) so that a bad setting reads the same as every other bad input.
/// </summary>
internal sealed class CoCreationOptionsValidator : IValidateOptions<CoCreationOptions>
{
    public ValidateOptionsResult Validate(string? name, CoCreationOptions options)
    {
        ThrowIfInvalid(options);
        return ValidateOptionsResult.Success;
    }

    public static void ThrowIfInvalid(CoCreationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException(nameof(CoCreationOptions.SessionLifetime), $"must be longer than zero (was {options.SessionLifetime}).");
        }

        CheckLocale(options.DefaultLocale, nameof(CoCreationOptions.DefaultLocale));
        var relay = options.Relay;
        if (relay.MaxAttempts < 1)
        {
            throw new CoCreationValidationException("Relay.MaxAttempts", $"must be at least 1 (was {relay.MaxAttempts}).");
        }

        if (relay.BaseDelay <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("Relay.BaseDelay", $"must be longer than zero (was {relay.BaseDelay}).");
        }

        if (relay.MaxDelay < relay.BaseDelay)
        {
            throw new CoCreationValidationException("Relay.MaxDelay", $"must not be shorter than Relay.BaseDelay ({relay.BaseDelay}; was {relay.MaxDelay}).");
        }

        if (relay.MaxEventsPerPoll < 1)
        {
            throw new CoCreationValidationException("Relay.MaxEventsPerPoll", $"must be at least 1 (was {relay.MaxEventsPerPoll}).");
        }

        CheckLocale(relay.DefaultLocale, "Relay.DefaultLocale");
        CoCreationGuard.NotBlank(relay.WorkerId, "Relay.WorkerId");
        if (relay.LeaseDuration <= TimeSpan.Zero)
        {
            throw new CoCreationValidationException("Relay.LeaseDuration", $"must be longer than zero (was {relay.LeaseDuration}).");
        }

        RelayRateLimits.Validate(relay);
        foreach (var kind in relay.UrgentKinds)
        {
            // Kinds are compared as DeliveryKinds.Of gives them: lower-case, one segment.
            if (string.IsNullOrWhiteSpace(kind) || kind.Contains('.', StringComparison.Ordinal) || !string.Equals(kind, kind.ToLowerInvariant(), StringComparison.Ordinal))
            {
                throw new CoCreationValidationException("Relay.UrgentKinds", $"'{kind}' is not an event kind (a lower-case segment such as 'access').");
            }
        }
    }

    private static void CheckLocale(string? locale, string field)
    {
        if (locale is null || !SupportedLocales.All.Contains(locale, StringComparer.Ordinal))
        {
            var hint = SupportedLocales.Find(locale) is { } canonical ? $" Write it as '{canonical}'." : "";
            throw new CoCreationValidationException(field, $"'{locale}' is not a supported locale (supported: {string.Join(", ", SupportedLocales.All)}).{hint}");
        }
    }
}
