using Translation.Worker;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTranslationWorker();

var app = builder.Build();

// The worker serves only its health endpoints; its work is the hosted services AddTranslationWorker registers.
app.MapDefaultEndpoints();

app.Run();
