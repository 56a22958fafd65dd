using StackExchange.Redis;

namespace Persistence.Api.Ingest;

/// <summary>Strict mode could not confirm the batch is as durable as configured within the timeout.</summary>
public sealed class DurabilityTimeoutException(string message) : RedisException(message);
