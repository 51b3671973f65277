using CoDevelopmentSample;
using Microsoft.Extensions.Configuration;

// Settings: appsettings.json next to the program, then environment variables with the COCREATION_ prefix
// (for example COCREATION_CoDevelopment__Project__DigestWindow=00:05:00).
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables("COCREATION_")
    .Build();

Console.OutputEncoding = System.Text.Encoding.UTF8;
return await SampleApp.RunAsync(configuration);
