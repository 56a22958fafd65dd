using Translation.Worker;

if (WorkerCommands.IsCommand(args))
{
    return await WorkerCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTranslationWorker();

var app = builder.Build();

// The worker serves only its health endpoints; its work is the hosted services AddTranslationWorker registers.
app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
