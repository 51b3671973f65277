using Refit;

namespace CoCreation.Sdk.Mastodon.Implementation;

/// <summary>Builds the Refit client with the adapter's source-generated JSON context.</summary>
internal static class MastodonRefit
{
    public static RefitSettings Settings { get; } = RefitSettings.ForJsonContext(MastodonJsonContext.Default);

    public static IMastodonApi Create(HttpClient httpClient) => RestService.ForGenerated<IMastodonApi>(httpClient, Settings);
}
