namespace Persistence.Client;

/// <summary>How current a read must be (the <c>consistency</c> query parameter).</summary>
public enum ReadConsistency
{
    /// <summary>MySQL as it is: records accepted but not yet flushed are missing. The server's default.</summary>
    Eventual,

    /// <summary>The server first waits on the flush barrier, so every record accepted before the read is visible.</summary>
    Strong,
}
