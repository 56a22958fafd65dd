using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// A rolling update as docs/operations.md tells an operator to run one: the new release named in the state folder, then
/// each API replica drained (unready, until the gateway sends it nothing), stopped and started again, then each worker
/// stopped and started again, while clients keep writing through the gateway.
/// </summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class RollingUpdateTests(IsolatedStackFixture stack, ITestOutputHelper output)
{
    private const int Batch = 50;

    /// <summary>Longer than two of the gateway's health probes (every 2 s): a replica idle this long is out of its rotation.</summary>
    private static readonly TimeSpan OutOfRotation = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Every_replica_and_worker_replaced_one_by_one_under_load_fails_no_request_and_loses_no_record()
    {
        var prefix = Records.Prefix();
        var release = "release-" + Guid.NewGuid().ToString("N")[..8];
        await File.WriteAllTextAsync(Path.Combine(stack.StateDirectory, ReplicaRoutes.ReleaseFile), release);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        probe.DefaultRequestHeaders.Add("X-Internal-Credential", Secrets().InternalCredential);

        var outcomes = new ConcurrentQueue<HttpStatusCode>();
        var firstFailure = "";
        var accepted = 0;
        var next = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var offset = Interlocked.Add(ref next, Batch) - Batch;
                try
                {
                    using var response = await stack.PostTasksAsync(Records.Tasks(prefix, Batch, offset));
                    outcomes.Enqueue(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        Interlocked.Add(ref accepted, Batch);
                    }
                    else if (firstFailure.Length == 0)
                    {
                        firstFailure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    }
                }
                catch (HttpRequestException ex)
                {
                    outcomes.Enqueue(0);
                    firstFailure = firstFailure.Length == 0 ? ex.Message : firstFailure;
                }

                // A steady load, below what the flush keeps up with: unpaced, the backlog passes its high-water mark
                // and the API sheds batches with 503, which says nothing about the update.
                await Task.Delay(100);
            }
        })).ToList();

        await Task.Delay(1000);
        foreach (var replica in stack.Stack.ApiReplicas)
        {
            var drain = new Uri(stack.Stack.Endpoint(replica), ReplicaRoutes.Drain);
            await stack.Stack.ExecuteAsync(replica, "drain");
            var health = await probe.GetAsync(new Uri(stack.Stack.Endpoint(replica), "/health"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            var drained = await WaitForAsync(probe, drain, s => s.InFlight == 0 && s.IdleMilliseconds >= OutOfRotation.TotalMilliseconds, TimeSpan.FromSeconds(60));
            output.WriteLine($"{replica} drained: {drained}");

            await stack.Stack.StopResourceAsync(replica);
            await stack.Stack.StartResourceAsync(replica);
            Assert.Equal(release, await ReleaseAsync(probe, replica));
            // Back in rotation (the gateway sends it requests again) before the next one leaves it.
            await WaitForAsync(probe, drain, s => !s.Draining && s.IdleMilliseconds < 500, TimeSpan.FromSeconds(60));
        }

        foreach (var worker in stack.Stack.Workers)
        {
            // A worker takes no requests: stopped, it finishes the batch in hand; what it had read and not acknowledged
            // the other worker claims, or it reads again when back.
            await stack.Stack.StopResourceAsync(worker);
            await stack.Stack.StartResourceAsync(worker);
            Assert.Equal(release, await ReleaseAsync(probe, worker));
        }

        await Task.Delay(1000);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        var all = outcomes.ToList();
        output.WriteLine($"{all.Count} requests, {accepted} records accepted");
        Assert.True(all.All(s => s == HttpStatusCode.Accepted), $"{all.Count(s => s != HttpStatusCode.Accepted)} of {all.Count} requests failed, first: {firstFailure}");
        await stack.FlushAsync(120_000);
        await using var db = stack.OpenDatabase();
        Assert.Equal(accepted, await Rows.CountAsync(db, "translation_tasks", "task_id", prefix));
        foreach (var instance in (string[])[.. stack.Stack.ApiReplicas, .. stack.Stack.Workers])
        {
            Assert.Equal(release, await ReleaseAsync(probe, instance));
        }
    }

    private static async Task<DrainState> WaitForAsync(HttpClient probe, Uri drain, Func<DrainState, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = (await probe.GetFromJsonAsync<DrainState>(drain))!;
            if (done(state))
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{drain} stayed {state}");
            await Task.Delay(200);
        }
    }

    private async Task<string> ReleaseAsync(HttpClient probe, string instance)
    {
        using var response = await probe.GetAsync(new Uri(stack.Stack.Endpoint(instance), "/health"));
        return response.Headers.TryGetValues("X-Service-Release", out var values) ? values.Single() : "";
    }

    private StateSecrets Secrets() =>
        JsonSerializer.Deserialize<StateSecrets>(File.ReadAllText(Path.Combine(stack.StateDirectory, StateSecrets.FileName)))!;

    private sealed record DrainState(
        [property: System.Text.Json.Serialization.JsonPropertyName("draining")] bool Draining,
        [property: System.Text.Json.Serialization.JsonPropertyName("in_flight")] long InFlight,
        [property: System.Text.Json.Serialization.JsonPropertyName("idle_ms")] long IdleMilliseconds);
}
