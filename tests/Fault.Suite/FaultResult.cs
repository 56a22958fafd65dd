namespace Fault.Suite;

/// <summary>One fault's figures. Missing, duplicates and regressions must be zero.</summary>
public sealed record FaultResult(
    string Fault,
    int Accepted,
    long States,
    int Missing,
    long Duplicates,
    int Regressions,
    int Unacknowledged,
    double RecoverySeconds,
    long ClientRetries,
    string? Error = null)
{
    public bool Clean => Error is null && Missing == 0 && Duplicates == 0 && Regressions == 0;

    public static void Print(IReadOnlyList<FaultResult> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"FAULT",-14} {"ACCEPTED",9} {"STATES",8} {"MISSING",8} {"DUPLICATES",10} {"REGRESSED",9} {"UNACKED",8} {"RECOVERY s",10} {"RETRIES",8}  VERDICT");
        foreach (var r in results)
        {
            output.WriteLine(
                $"{r.Fault,-14} {r.Accepted,9} {r.States,8} {r.Missing,8} {r.Duplicates,10} {r.Regressions,9} {r.Unacknowledged,8} {r.RecoverySeconds,10:F1} {r.ClientRetries,8}  {(r.Clean ? "ok" : "FAILED " + r.Error)}");
        }

        output.WriteLine();
        output.WriteLine("ACCEPTED: ids answered 202. STATES: their states answered 202 (a lifecycle task has three or five).");
        output.WriteLine("MISSING: ids answered 202 and absent from the database. DUPLICATES: extra rows for one id. REGRESSED: rows older");
        output.WriteLine("than the newest version answered 202. UNACKED: rows of batches whose answer the client never got (allowed).");
        output.WriteLine("RECOVERY: from the end of the fault until a record posted then is readable in the database.");
    }
}
