using Fault.Suite;

FaultOptions options;
try
{
    options = FaultOptions.Parse(args);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

await using var runner = new FaultRunner(options, Console.Out);
Console.WriteLine($"Fault suite: {string.Join(", ", options.Faults)}; {options.RecordsPerSecond} records/s offered; state in {runner.StateDirectory}");
var results = await runner.RunAsync(cancel.Token);
FaultResult.Print(results, Console.Out);
return results.All(r => r.Clean) ? 0 : 1;
