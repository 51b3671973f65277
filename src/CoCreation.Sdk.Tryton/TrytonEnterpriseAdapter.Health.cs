using CoCreation.Sdk.Health;

namespace CoCreation.Sdk.Tryton;

/// <summary>The login's health reporting.</summary>
public sealed partial class TrytonEnterpriseAdapter
{
    /// <summary>Where the login's health is reported; the core's monitor when one is registered.</summary>
    internal ICredentialHealthReporter HealthReporter
    {
        get => _rpc.Health;
        init => _rpc.Health = value;
    }
}
