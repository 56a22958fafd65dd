namespace Persistence.Client.Models;

/// <summary>The answer to a batch: 202, once Redis holds every record of it.</summary>
public sealed class BatchAccepted
{
    /// <summary>Always <c>accepted</c>.</summary>
    public string Status { get; init; } = "";

    /// <summary>Records accepted: all of the batch.</summary>
    public int Count { get; init; }
}
