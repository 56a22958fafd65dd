using Microsoft.Extensions.Options;
using Persistence.Api.Backpressure;
using Persistence.Api.Streams;

namespace Persistence.Api.Ingest;

/// <summary>What a batch route needs, bound as one <c>[AsParameters]</c> argument.</summary>
public sealed record BatchIntake(
    HttpRequest Request,
    RecordValidator Validator,
    StreamAppender Appender,
    StreamLayoutMonitor Layout,
    BacklogMonitor Backlog,
    IOptions<IngestOptions> Options,
    ILogger<StreamAppender> Logger,
    CancellationToken Aborted);
