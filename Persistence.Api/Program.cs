using Persistence.Api;
using Persistence.Api.Callers;
using Persistence.Api.DeadLetters;
using Persistence.Api.Draining;
using Persistence.Api.GarbageCollection;
using Persistence.Api.Ingest;
using Persistence.Api.OpenApi;
using Persistence.Api.Pipeline;
using Persistence.Api.Queries;
using Persistence.Api.Recovery;
using Persistence.Api.Translations;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPersistenceApi();
builder.AddReplicaDrain();

var app = builder.Build();

app.UseReplicaDrain();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseInternalCallers();
app.UseOutputCache();

app.MapDefaultEndpoints();
app.MapIngestApi();
app.MapPipelineApi();
app.MapDeadLetterApi();
app.MapQueryApi();
app.MapRecoveryApi();
app.MapGarbageCollectionApi();
app.MapTranslationsApi();
app.MapTranslationLifecycleApi();
app.MapApiDescription();
app.MapDrainApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
