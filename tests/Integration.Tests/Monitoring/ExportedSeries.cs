namespace Integration.Tests.Monitoring;

/// <summary>
/// The series the services promise Prometheus, under its naming conventions (counters end in <c>_total</c>, units
/// in the name). The Prometheus test proves each is scraped from the running stack; the dashboard and alert tests
/// refuse any query on a series not listed here.
/// </summary>
public static class ExportedSeries
{
    public static IReadOnlyList<string> Names { get; } =
    [
        // Requests per endpoint (http_route), count and latency.
        "http_server_request_duration_seconds_count",
        "http_server_request_duration_seconds_bucket",
        "http_server_request_duration_seconds_sum",
        // Backlog per stream (the buffer), flush lag, dead letters.
        "persistence_stream_backlog",
        "persistence_stream_flush_lag_seconds",
        "persistence_ingest_backlog",
        "persistence_ingest_shedding",
        "persistence_dead_letters_stored",
        "persistence_flush_dead_lettered_total",
        // Flushes.
        "persistence_flush_records_total",
        "persistence_flush_duration_seconds_count",
        "persistence_flush_duration_seconds_bucket",
        "persistence_flush_duration_seconds_sum",
        // Storage operations, errors and duration per backend and operation.
        "persistence_storage_duration_seconds_count",
        "persistence_storage_duration_seconds_bucket",
        "persistence_storage_errors_total",
        // Sessions and tasks by status.
        "persistence_records_committed_total",
        // Records refused after they were accepted: must stay 0.
        "persistence_records_refused_after_acceptance_total",
        // Capacity: Redis memory against maxmemory, MySQL connection pools.
        "persistence_redis_memory_used_ratio",
        "db_client_connections_usage",
        "db_client_connections_max",
        "db_client_connections_pending_requests",
        // The gateway.
        "gateway_rate_limit_decisions_total",
        // Days until each expiring key expires (key rotation).
        "gateway_api_key_expiry_days",
        // Prometheus's own: whether a target answered the last scrape.
        "up",
    ];
}
