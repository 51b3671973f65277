using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CoCreation.Sdk.Vendure.Tests.Unit;

/// <summary>Options validation: every missing or bad setting is named, and the password never appears.</summary>
[TestFixture]
[Category("Unit")]
public sealed class VendureOptionsTests
{
    private const string Password = "options-secret-5521";

    private static VendureOptions Valid() => new() { AdminApiUrl = new Uri("http://127.0.0.1:3000/admin-api"), User = "superadmin", Password = Password };

    private static IReadOnlyList<string> Failures(VendureOptions options)
    {
        var result = new VendureOptionsValidator().Validate("vendure", options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Test]
    public void Valid_options_pass()
        => Assert.That(Failures(Valid()), Is.Empty);

    [TestCase(nameof(VendureOptions.AdminApiUrl))]
    [TestCase(nameof(VendureOptions.User))]
    [TestCase(nameof(VendureOptions.Password))]
    [TestCase(nameof(VendureOptions.Currency))]
    [TestCase(nameof(VendureOptions.PricePrecision))]
    [TestCase(nameof(VendureOptions.RolePermissions))]
    [TestCase(nameof(VendureOptions.EventLookback))]
    [TestCase(nameof(VendureOptions.MaxOrdersPerEventPage))]
    public void A_bad_setting_is_named(string setting)
    {
        var options = Valid();
        switch (setting)
        {
            case nameof(VendureOptions.AdminApiUrl): options.AdminApiUrl = null; break;
            case nameof(VendureOptions.User): options.User = " "; break;
            case nameof(VendureOptions.Password): options.Password = ""; break;
            case nameof(VendureOptions.Currency): options.Currency = "WON"; break;
            case nameof(VendureOptions.PricePrecision): options.PricePrecision = 9; break;
            case nameof(VendureOptions.RolePermissions): options.RolePermissions = new Dictionary<string, IList<string>> { ["seller"] = ["Update Product"] }; break;
            case nameof(VendureOptions.EventLookback): options.EventLookback = TimeSpan.FromHours(2); break;
            case nameof(VendureOptions.MaxOrdersPerEventPage): options.MaxOrdersPerEventPage = 0; break;
        }

        var failures = Failures(options);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Has.Some.Contains(setting), "the failure names the setting");
            Assert.That(string.Join(" ", failures), Does.Not.Contain(Password), "no password");
        }
    }

    [Test]
    public void The_constructor_refuses_bad_options_without_showing_the_password()
    {
        var options = Valid();
        options.AdminApiUrl = null;

        var ex = Assert.Throws<CoCreationValidationException>(() => _ = new VendureEnterpriseAdapter("vendure", options, () => new HttpClient()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Message, Does.Contain(nameof(VendureOptions.AdminApiUrl)), "names the setting");
            Assert.That(ex.Message, Does.Not.Contain(Password), "no password");
            Assert.That(Valid().ToString(), Does.Not.Contain(Password).And.Contain("***"), "ToString masks the password");
        }
    }

    [Test]
    public void AddVendure_registers_a_keyed_adapter_with_the_configured_roles_and_validates_on_resolve()
    {
        var services = new ServiceCollection();
        services.AddCoCreation()
            .AddVendure(o =>
            {
                o.AdminApiUrl = new Uri("http://127.0.0.1:3000/admin-api");
                o.User = "superadmin";
                o.Password = Password;
                o.RolePermissions = new Dictionary<string, IList<string>> { [EnterpriseRoles.Seller] = ["UpdateProduct"] };
            })
            .AddVendure("broken", o => o.User = "x");
        using var provider = services.BuildServiceProvider();

        var adapter = provider.GetRequiredKeyedService<IEnterpriseAdapter>("vendure");
        var broken = Assert.Catch(() => provider.GetRequiredKeyedService<IEnterpriseAdapter>("broken"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(adapter, Is.InstanceOf<VendureEnterpriseAdapter>(), "the adapter");
            Assert.That(adapter.Capabilities.Roles, Is.EqualTo(new[] { EnterpriseRoles.Seller }), "roles come from RolePermissions");
            Assert.That(adapter.Metadata.Provider, Is.EqualTo(VendureEnterpriseAdapter.ProviderName), "provider");
            Assert.That(broken, Is.InstanceOf<OptionsValidationException>().Or.InstanceOf<CoCreationValidationException>(), "invalid options are refused");
            Assert.That(broken!.Message, Does.Contain("AdminApiUrl"), "the refusal names the setting");
        }
    }
}
