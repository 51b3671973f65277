namespace CoCreation.Sdk.Embedded;

/// <summary>Runs an embedded provider's synchronous work and reports its outcome as an I/O call would.</summary>
internal static class EmbeddedCall
{
    /// <summary>Runs <paramref name="work"/>; failures surface on await as faulted tasks, as from a remote service.</summary>
    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            return Task.FromResult(work());
        }
#pragma warning disable CA1031 // Every failure belongs in the task, where a caller of a real service would see it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Task.FromException<T>(ex);
        }
    }
}
