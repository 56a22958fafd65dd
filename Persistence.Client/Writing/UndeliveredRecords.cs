using Persistence.Contracts;

namespace Persistence.Client.Writing;

/// <summary>Why the writer gave records up.</summary>
public enum UndeliveredReason
{
    /// <summary>The API refused them for good (400 naming them, 401, 403, 413 of a single record): resending cannot help.</summary>
    Rejected,

    /// <summary>The writer was stopped and its shutdown timeout passed before they could be sent.</summary>
    ShutdownTimeout,
}

/// <summary>Records <see cref="PersistenceWriter"/> could not deliver: one kind per report, the other list empty.</summary>
public sealed class UndeliveredRecords
{
    internal UndeliveredRecords(IReadOnlyList<SessionRecord> sessions, IReadOnlyList<TaskRecord> tasks, UndeliveredReason reason, Exception? error)
    {
        Sessions = sessions;
        Tasks = tasks;
        Reason = reason;
        Error = error;
    }

    /// <summary>Session records given up.</summary>
    public IReadOnlyList<SessionRecord> Sessions { get; }

    /// <summary>Task records given up.</summary>
    public IReadOnlyList<TaskRecord> Tasks { get; }

    /// <summary>Why.</summary>
    public UndeliveredReason Reason { get; }

    /// <summary>The last error, such as the API's <see cref="PersistenceApiException"/> naming the bad fields.</summary>
    public Exception? Error { get; }

    /// <summary>Records in this report.</summary>
    public int Count => Sessions.Count + Tasks.Count;
}
