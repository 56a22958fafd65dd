namespace Persistence.Api.Ingest;

/// <summary>
/// The client's <c>tracestate</c> as far as W3C Trace Context obliges anyone to carry it: at most 32 list members and
/// 512 characters. It is copied into every stream entry of a request, so an unbounded header would be multiplied by
/// the thousands of records of a batch. Members are dropped as the specification suggests: first any longer than
/// 128 characters, then from the end.
/// </summary>
public static class TraceStateBound
{
    public const int MaxLength = 512;
    public const int MaxMembers = 32;
    private const int LongMember = 128;

    public static string? Apply(string? traceState)
    {
        if (string.IsNullOrEmpty(traceState))
        {
            return null;
        }

        var members = traceState.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (traceState.Length <= MaxLength && members.Length <= MaxMembers)
        {
            return traceState;
        }

        var kept = new List<string>(MaxMembers);
        var length = 0;
        foreach (var member in members.Where(m => m.Length <= LongMember))
        {
            var added = member.Length + (kept.Count == 0 ? 0 : 1);
            if (kept.Count == MaxMembers || length + added > MaxLength)
            {
                break;
            }

            kept.Add(member);
            length += added;
        }

        return kept.Count == 0 ? null : string.Join(",", kept);
    }
}
