using Persistence.Api;
using Persistence.Api.Callers;
using Persistence.Api.Ingest;
using Persistence.Api.Pipeline;
using Persistence.Api.Translations;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPersistenceApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseInternalCallers();

app.MapDefaultEndpoints();
app.MapIngestApi();
app.MapPipelineApi();
app.MapTranslationsApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
