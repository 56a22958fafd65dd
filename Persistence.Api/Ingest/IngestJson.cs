using System.Text.Json;
using Persistence.Contracts;

namespace Persistence.Api.Ingest;

/// <summary>
/// The contract the batch routes read with: the shared one, except that a property given twice anywhere in a body is
/// refused. The shared default keeps the last of two; the API appends the items' bytes as sent, so a record whose
/// meaning depended on which copy a reader keeps must never reach the stream.
/// </summary>
public static class IngestJson
{
    public static PersistenceJsonContext Strict { get; } =
        new(new JsonSerializerOptions(PersistenceJsonContext.Default.Options) { AllowDuplicateProperties = false });
}
