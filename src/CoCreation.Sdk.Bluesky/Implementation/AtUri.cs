namespace CoCreation.Sdk.Bluesky.Implementation;

/// <summary>An AT URI of a record: <c>at://{repo}/{collection}/{rkey}</c>.</summary>
internal sealed record AtUri(string Repo, string Collection, string RecordKey)
{
    public static bool TryParse(string? value, out AtUri uri)
    {
        uri = null!;
        const string scheme = "at://";
        if (value is null || !value.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value[scheme.Length..].Split('/');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0 || p.Any(char.IsWhiteSpace)))
        {
            return false;
        }

        uri = new AtUri(parts[0], parts[1], parts[2]);
        return true;
    }

    public override string ToString() => $"at://{Repo}/{Collection}/{RecordKey}";
}
