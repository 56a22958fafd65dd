using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Persistence.Client.Sample;

// The gateway comes from service discovery (services:gateway:http:0, which Aspire's WithReference sets) and the key
// from PersistenceClient:ApiKey; the simulation from Sample:Tasks and Sample:SessionId.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddPersistenceClient(configureWriter: writer =>
    writer.OnUndelivered = lost => Console.Error.WriteLine($"undelivered: {lost.Count} records ({lost.Reason}): {lost.Error?.Message}"));
builder.Services.Configure<SimulationOptions>(builder.Configuration.GetSection(SimulationOptions.SectionName));
builder.Services.AddHostedService<SimulatedBackEnd>();

using var host = builder.Build();
await host.RunAsync();
