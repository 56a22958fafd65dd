namespace Persistence.Api.Ingest;

/// <summary>An append met a shard that a layout switch has closed; nothing of the call was appended.</summary>
public sealed class StreamSealedException(string stream, Exception inner)
    : Exception($"The stream {stream} is closed by a shard layout switch; nothing was appended.", inner)
{
    public string Stream { get; } = stream;
}
