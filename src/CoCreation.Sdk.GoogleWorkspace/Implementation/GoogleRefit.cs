using Refit;

namespace CoCreation.Sdk.GoogleWorkspace.Implementation;

/// <summary>Builds the Refit client with the adapter's source-generated JSON context.</summary>
internal static class GoogleRefit
{
    public static RefitSettings Settings { get; } = RefitSettings.ForJsonContext(GoogleJsonContext.Default);
}
