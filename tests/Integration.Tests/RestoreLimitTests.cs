using System.Net;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>
/// A restore holds a MySQL connection and a snapshot while it streams, so a replica runs only a few at a time and
/// none for longer than its cap, however slowly the client reads.
/// </summary>
[Collection(ConstrainedStackDefinition.Name)]
public sealed class RestoreLimitTests(ConstrainedStackFixture stack)
{
    private const int Tasks = 4000;

    [Fact]
    public async Task A_slow_reader_holds_a_restore_no_longer_than_the_cap_and_a_restore_beyond_the_limit_gets_503()
    {
        var prefix = Records.Prefix();
        var session = $"{prefix}-s0";
        await stack.PostAsync(ApiRoutes.Persistence.SessionsBatch, new { sessions = new[] { Records.Session(session, "processing", 1) } });
        for (var batch = 0; batch < Tasks / 1000; batch++)
        {
            // About 6 KB a task: some 24 MB of package, far more than the sockets and the gateway buffer.
            var tasks = Enumerable.Range(batch * 1000, 1000).Select(i =>
            {
                var task = Records.Task($"{prefix}-t{i:D5}", session);
                task["source_text"] = new string('w', 6000);
                return task;
            });
            await stack.PostAsync(ApiRoutes.Persistence.TasksBatch, new { tasks });
        }

        await stack.FlushAsync();

        using var slow = await stack.Gateway.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"{ApiRoutes.Translation.Restore}/{session}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);

        using (var second = await stack.Gateway.PostAsync($"{ApiRoutes.Translation.Restore}/{session}", null))
        {
            var body = await second.Content.ReadAsStringAsync();
            Assert.True(second.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)second.StatusCode}: {body[..Math.Min(300, body.Length)]}");
            Assert.NotNull(second.Headers.RetryAfter);
        }

        // 640 KB/s: well above any minimum data rate, yet the whole package would take about 40 s.
        var tail = await ReadSlowlyAsync(slow);
        Assert.DoesNotContain("\"complete\":true", tail, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var next = await stack.Gateway.PostAsync($"{ApiRoutes.Translation.Restore}/{session}", null);
            if (next.StatusCode == HttpStatusCode.OK)
            {
                var body = await next.Content.ReadAsStringAsync();
                Assert.EndsWith($"\"task_count\":{Tasks},\"complete\":true}}", body, StringComparison.Ordinal);
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The restore slot was not freed: {(int)next.StatusCode}");
            await Task.Delay(500);
        }
    }

    /// <summary>Reads 64 KB every 100 ms until the body ends or breaks; returns the last bytes read.</summary>
    private static async Task<string> ReadSlowlyAsync(HttpResponseMessage response)
    {
        var buffer = new byte[64 * 1024];
        var tail = "";
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            while (true)
            {
                var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false);
                if (read == 0)
                {
                    break;
                }

                tail = System.Text.Encoding.UTF8.GetString(buffer, Math.Max(0, read - 200), Math.Min(200, read));
                if (read < buffer.Length)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // Cut short by the server: what the cap is for.
        }

        return tail;
    }
}
