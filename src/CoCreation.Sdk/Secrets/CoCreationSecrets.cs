namespace CoCreation.Sdk;

/// <summary>
/// Keeps named secrets as store documents holding only the protected value, so the store (and every backup of
/// it) never sees a secret in plain text.
/// </summary>
internal sealed class CoCreationSecrets(ICoCreationStore store, ISecretProtector protector) : ICoCreationSecrets
{
    /// <summary>The document collection the secrets live in.</summary>
    public const string Collection = "cocreation.secrets";

    private const string ValueProperty = "protected";

    public async Task PutAsync(string name, string secret, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        CoCreationGuard.NotBlank(secret, nameof(secret));
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { [ValueProperty] = protector.Protect(secret) }, SecretsJsonContext.Default.DictionaryStringString);
        await store.ApplyAsync(new StoreChanges().PutDocument(Collection, name, json), cancellationToken).ConfigureAwait(false);
    }

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        var json = await store.GetDocumentAsync(Collection, name, cancellationToken).ConfigureAwait(false);
        if (json is null)
        {
            return null;
        }

        Dictionary<string, string>? document;
        try
        {
            document = JsonSerializer.Deserialize(json, SecretsJsonContext.Default.DictionaryStringString);
        }
        catch (JsonException ex)
        {
            throw new CoCreationException($"The stored secret '{name}' is damaged: its document is not valid JSON.", ex);
        }

        if (document is null || !document.TryGetValue(ValueProperty, out var value))
        {
            throw new CoCreationException($"The stored secret '{name}' is damaged: its document has no protected value.");
        }

        try
        {
            return protector.Unprotect(value);
        }
        catch (CoCreationException ex)
        {
            throw new CoCreationException($"The stored secret '{name}' cannot be read: {ex.Message}", ex);
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        CoCreationGuard.NotBlank(name, nameof(name));
        return store.ApplyAsync(new StoreChanges().DeleteDocument(Collection, name), cancellationToken);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SecretsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
