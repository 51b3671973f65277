// Ask the brand's followers a question as a native poll, on the embedded network (default) or on a real Mastodon
// instance chosen through configuration alone. See README.md.
using BrandPoll;

Console.OutputEncoding = System.Text.Encoding.UTF8;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

return await BrandPollApp.RunAsync(BrandPollApp.LoadConfiguration(args), Console.Out, cancel.Token);
