// The README's quick start, kept compiling: `dotnet run --project samples/QuickStart`.
using CoCreation.Sdk;
using CoCreation.Sdk.CommunityProducts;
using CoCreation.Sdk.Embedded;
using CoCreation.Sdk.Enterprise;
using Microsoft.Extensions.DependencyInjection;

var network = new EmbeddedSnsNetwork();                    // in-process SNS; real networks plug in the same way
var brand = network.RegisterAccount("brand");
var minji = network.RegisterAccount("minji", locale: "en-US");
var services = new ServiceCollection();
services.AddCoCreation()
    .AddEmbeddedSns("social", network, brand.Credential)
    .AddEmbeddedEnterprise(new EmbeddedEnterpriseSystem("erp"))  // in-process shop and production system
    .AddCommunityProducts(o => o.EnterpriseSystem = "erp");
await using var sdk = services.BuildServiceProvider();

var session = await sdk.GetRequiredService<ISnsSignIn>().SignInAsync("social", minji.Credential);
var program = sdk.GetRequiredService<CommunityProductProgram>();
var design = await program.SubmitDesignAsync(session, new DesignSubmission { Title = "Linen dress", Description = "Wrap dress, S–XL" });
await program.ReviewDesignAsync(design.Id, new DesignReview(Accept: true));
await program.SyncAsync();                                 // relays enterprise events to people over SNS

foreach (var message in network.GetInbox(minji.Subject))
{
    Console.WriteLine(message.Text);
}
