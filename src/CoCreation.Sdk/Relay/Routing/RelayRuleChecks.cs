namespace CoCreation.Sdk;

internal static class RelayRuleChecks
{
    public static void ThrowIfInvalid(RelayRule rule)
    {
        CoCreationGuard.NotBlank(rule.Name, "RelayRule.Name");
        CoCreationGuard.NotBlank(rule.EventType, "RelayRule.EventType");
        if (rule.Recipients is null)
        {
            throw new CoCreationValidationException("RelayRule.Recipients", $"rule '{rule.Name}' names no recipients.");
        }

        if (rule.Template?.Texts is null || rule.Template.Texts.Count == 0 || rule.Template.Texts.Values.Any(string.IsNullOrWhiteSpace))
        {
            throw new CoCreationValidationException("RelayRule.Template", $"rule '{rule.Name}' needs at least one non-empty text.");
        }

        if (!Enum.IsDefined(rule.Channel))
        {
            throw new CoCreationValidationException("RelayRule.Channel", $"{rule.Channel} is not a relay channel.");
        }
    }

    /// <summary>Checks every rule and that no two share a name (stored deliveries find their rule by name).</summary>
    public static IReadOnlyList<RelayRule> CheckAll(IEnumerable<RelayRule> rules)
    {
        var list = rules.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in list)
        {
            ThrowIfInvalid(rule);
            if (!names.Add(rule.Name))
            {
                throw new CoCreationValidationException("RelayRule.Name", $"two relay rules are named '{rule.Name}'; names must be unique.");
            }
        }

        return list;
    }
}
