using System.Collections.Concurrent;
using System.Diagnostics;
using MySqlConnector;

namespace Pipeline.Benchmark;

/// <summary>
/// Visibility lag: the first record of every measured batch is remembered with the moment its 202 arrived, and a
/// poller asks MySQL every <see cref="PollInterval"/> which remembered ids are now rows. A record's lag is the time
/// from its 202 to the end of the first query that returned it, so it over-states the true lag by at most one poll
/// interval plus one query; no clock other than this process's monotonic one is involved. A <c>condition</c> (SQL
/// ending in <c>AND</c>) makes a row count as seen only in a given state, e.g. a task completed.
/// </summary>
public sealed class Visibility(string connectionString, Stopwatch clock, string condition = "") : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly ConcurrentQueue<(string Id, TimeSpan AcceptedAt)> _arrived = new();
    private readonly Dictionary<string, TimeSpan> _pending = new(StringComparer.Ordinal);
    private readonly List<double> _lags = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _poller;

    public Stopwatch Clock { get; } = clock;

    public void Accepted(string id, TimeSpan acceptedAt) => _arrived.Enqueue((id, acceptedAt));

    public void Start() => _poller = Task.Run(PollAsync);

    /// <summary>Waits until every sampled record was seen (or the timeout passed) and returns the sorted lags in ms.</summary>
    public async Task<(List<double> Lags, int Unseen)> FinishAsync(TimeSpan timeout)
    {
        var deadline = Clock.Elapsed + timeout;
        while (Clock.Elapsed < deadline && (!_arrived.IsEmpty || PendingCount() > 0))
        {
            await Task.Delay(PollInterval);
        }

        await _stop.CancelAsync();
        await (_poller ?? Task.CompletedTask);
        lock (_lags)
        {
            _lags.Sort();
            return ([.. _lags], PendingCount() + _arrived.Count);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await (_poller ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
            // Stopped on purpose.
        }

        _stop.Dispose();
    }

    private int PendingCount()
    {
        lock (_lags)
        {
            return _pending.Count;
        }
    }

    private async Task PollAsync()
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(_stop.Token);
        while (!_stop.IsCancellationRequested)
        {
            List<string> ids;
            lock (_lags)
            {
                while (_arrived.TryDequeue(out var sample))
                {
                    _pending[sample.Id] = sample.AcceptedAt;
                }

                ids = [.. _pending.Keys.Take(1000)];
            }

            if (ids.Count > 0)
            {
                await using var command = new MySqlCommand { Connection = connection };
                command.CommandText = "SELECT task_id FROM translation_tasks WHERE " + condition + "task_id IN (" + string.Join(",", ids.Select((_, i) => "@p" + i)) + ")";
                for (var i = 0; i < ids.Count; i++)
                {
                    command.Parameters.AddWithValue("@p" + i, ids[i]);
                }

                var found = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
                {
                    while (await reader.ReadAsync(CancellationToken.None))
                    {
                        found.Add(reader.GetString(0));
                    }
                }

                var seenAt = Clock.Elapsed;
                lock (_lags)
                {
                    foreach (var id in found)
                    {
                        if (_pending.Remove(id, out var acceptedAt))
                        {
                            _lags.Add((seenAt - acceptedAt).TotalMilliseconds);
                        }
                    }
                }
            }

            try
            {
                await Task.Delay(PollInterval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
