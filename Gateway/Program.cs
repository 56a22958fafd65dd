using Gateway.ApiKeys;
using Gateway.Hardening;
using Gateway.Jwt;
using Gateway.Proxy;
using Gateway.RateLimits;

if (args is [NewKeyCommand.Name, ..])
{
    return NewKeyCommand.Run(args[1..], Console.Out, Console.Error);
}

if (args is [RotateKeyCommand.Name, ..])
{
    return RotateKeyCommand.Run(args[1..], Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRequestHardening();
builder.AddApiKeys();
builder.AddJwtBearerTokens();
builder.AddRateLimits();
builder.AddPersistenceProxy();

var app = builder.Build();

app.UseRequestHardening();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapPersistenceProxy();

app.Run();
return 0;

/// <summary>Named for the in-process gateway of the tests (WebApplicationFactory).</summary>
public partial class Program;
