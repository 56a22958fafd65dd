using AppHost;
using AppHost.Hosting;

StackOptions options;
try
{
    options = StackOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM,
    context =>
    {
        context.Cancel = true;
        shutdown.Cancel();
    });

await using var app = Topology.Define(options);
try
{
    await app.StartAsync(shutdown.Token);
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"The stack did not start: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    return 0;
}

ReadyTable.Print(app);
try
{
    await Task.Delay(Timeout.Infinite, shutdown.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping …");
}

return 0;
