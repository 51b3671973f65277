using CoCreation.Sdk.Enterprise;

namespace CoCreation.Sdk.Testing;

/// <summary>
/// The optional domain interfaces an <see cref="IEnterpriseAdapter"/> may implement. A conformance fixture
/// declares which ones its adapter has, so that a feature that goes missing fails a test instead of going unnoticed.
/// </summary>
[Flags]
public enum EnterpriseFeatures
{
    /// <summary>Accounts and events only.</summary>
    None = 0,

    /// <summary>The adapter implements <see cref="IProductionSystem"/>.</summary>
    Production = 1,

    /// <summary>The adapter implements <see cref="ICommerceSystem"/>.</summary>
    Commerce = 2,

    /// <summary>The adapter implements <see cref="IInventorySystem"/>.</summary>
    Inventory = 4,
}
