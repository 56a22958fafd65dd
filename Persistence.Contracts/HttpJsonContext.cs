using System.Text.Json.Serialization;
using Persistence.Contracts.DeadLetters;
using Persistence.Contracts.GarbageCollection;
using Persistence.Contracts.Ingest;
using Persistence.Contracts.Pipeline;
using Persistence.Contracts.Queries;
using Persistence.Contracts.Translations;

namespace Persistence.Contracts;

/// <summary>
/// Source-generated serializers of the HTTP API's answers and small request bodies, in snake_case: the API writes
/// with them and the client reads with them. Unknown members are skipped, so a server that adds a field does not
/// break clients built before it. The batch bodies and stream records, read strictly, are
/// <see cref="PersistenceJsonContext"/>'s.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AcceptedBatch))]
[JsonSerializable(typeof(FlushResult))]
[JsonSerializable(typeof(PipelineStats))]
[JsonSerializable(typeof(ResultPage<SessionSummary>))]
[JsonSerializable(typeof(ResultPage<TaskSummary>))]
[JsonSerializable(typeof(SessionDetail))]
[JsonSerializable(typeof(TaskDetail))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(DeadLetterPage))]
[JsonSerializable(typeof(ReplayResult))]
[JsonSerializable(typeof(GarbageCollectionResult))]
[JsonSerializable(typeof(TranslationAccepted))]
[JsonSerializable(typeof(TranslationBatchAccepted))]
[JsonSerializable(typeof(TranslationState))]
[JsonSerializable(typeof(JobPage))]
[JsonSerializable(typeof(JobRequeued))]
[JsonSerializable(typeof(JobReviewed))]
[JsonSerializable(typeof(ReviewRequest))]
[JsonSerializable(typeof(RequeueRequest))]
[JsonSerializable(typeof(RetranslateRequest))]
[JsonSerializable(typeof(RetranslationAccepted))]
[JsonSerializable(typeof(BulkRequeued))]
[JsonSerializable(typeof(HistoryPage))]
public sealed partial class HttpJsonContext : JsonSerializerContext;
