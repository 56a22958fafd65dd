using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using AppHost;
using Gateway.ApiKeys;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// Memory follows the bytes that arrive, not the length a client declares, at the gateway and at a replica alike, and
/// a key cannot open more uploads than its share: 300 uploads declaring 16 MiB each, sent slowly, on a stack of one
/// gateway and one replica (so every upload meets the same two processes).
/// </summary>
/// <remarks>
/// This fails on a version that sizes its buffer by Content-Length: the gateway (counting a batch) and the replica
/// (reading a registration) each rented 16 MiB + 1 from the shared pool, which hands out a 32 MiB array, so 128 uploads
/// held by each process commit 4 GiB there before their 80 KiB have arrived (measured: 4.3 GiB at the gateway, 4.0 GiB
/// at the replica, against 124 and 19 MiB now). The pool allocates such arrays
/// uninitialized, so their pages may stay out of the resident set; the commit shows in VmData (the private writable
/// mappings, where the GC heap lives), which is why both figures are bounded.
/// </remarks>
[Collection(ConstrainedStackDefinition.Name)]
public sealed class UploadMemoryTests(ConstrainedStackFixture stack, ITestOutputHelper output)
{
    private const int Keys = 4;
    private const int UploadsPerKey = 75;

    /// <summary>The gateway's RequestLimits:MaxConcurrentBodiesPerKey default.</summary>
    private const int BodiesPerKey = 64;

    private const int DeclaredBytes = 16 * 1024 * 1024;

    /// <summary>Sent every half second to each upload: 8 KiB/s, above the gateway's 4 KiB/s minimum rate.</summary>
    private const int ChunkBytes = 4 * 1024;

    private const int Rounds = 20;

    /// <summary>Far below what the declared lengths would take (128 uploads × 16 MiB in each process).</summary>
    private const long MaxGrowthBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Committed memory also grows by the GC's allocation budget, which the server GC scales with the cores (124 MiB
    /// measured at the gateway on two): a quarter of what declared lengths would commit leaves room for larger machines.
    /// </summary>
    private const long MaxCommitGrowthBytes = 1024L * 1024 * 1024;

    private const string TaskBatches = ApiRoutes.Persistence.TasksBatch;
    private const string Registrations = ApiRoutes.DeprecatedTranslations.Prefix;

    [Fact]
    public async Task Three_hundred_slow_uploads_declaring_16_MiB_keep_the_gateway_and_the_replica_bounded_and_a_key_past_its_share_gets_429()
    {
        var prefix = Records.Prefix();
        var keys = new List<string>();
        var keyFile = new ApiKeyFile(stack);
        for (var k = 0; k < Keys; k++)
        {
            // Enough requests that only the body bound can refuse an upload.
            keys.Add(await keyFile.AddAsync($"upload-{prefix}-{k}", [Scopes.Ingest], requests: (PerSecond: 1000, Burst: 1000)));
        }

        var gatewayPid = await stack.Stack.WaitForProcessIdAsync(stack.Stack.Gateways[0]);
        var replica = stack.Stack.ApiReplicas[0];
        var replicaPid = await stack.Stack.WaitForProcessIdAsync(replica);
        var gatewayBefore = ProcessMemory.Read(gatewayPid);
        var replicaBefore = ProcessMemory.Read(replicaPid);
        var gatewayPeak = gatewayBefore;
        var replicaPeak = replicaBefore;

        var uploads = new List<SlowUpload>();
        try
        {
            // Half are batches (held whole at the gateway, which counts their records before passing them on), half are
            // registrations (passed on as they arrive, so the replica holds them).
            for (var k = 0; k < Keys; k++)
            {
                for (var i = 0; i < UploadsPerKey; i++)
                {
                    var (path, start) = i % 2 == 0 ? (TaskBatches, """{"tasks":[""") : (Registrations, """{"business_id":"slow",""");
                    uploads.Add(await SlowUpload.OpenAsync(stack.Stack.GatewayEndpoint(), path, keys[k], DeclaredBytes, start));
                }
            }

            var chunk = Encoding.ASCII.GetBytes(new string(' ', ChunkBytes));
            for (var round = 0; round < Rounds; round++)
            {
                await Task.WhenAll(uploads.Where(u => !u.Answered).Select(u => u.SendAsync(chunk)));
                await Task.Delay(500);
                gatewayPeak = ProcessMemory.Max(gatewayPeak, ProcessMemory.Read(gatewayPid));
                replicaPeak = ProcessMemory.Max(replicaPeak, ProcessMemory.Read(replicaPid));
            }

            var replicaActive = await ActiveRequestsAsync(replica);
            var answered = uploads.Where(u => u.Answered).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{uploads.Count} uploads of {DeclaredBytes >> 20} MiB declared, {answered.Count} answered, {Rounds * ChunkBytes / 1024} KiB sent on each of the others; replica serving {replicaActive} requests"));
            output.WriteLine($"gateway: before {gatewayBefore}, peak {gatewayPeak}");
            output.WriteLine($"replica: before {replicaBefore}, peak {replicaPeak}");

            // Each key got exactly its share; the rest were refused at once, not queued.
            Assert.True(
                answered.Count == Keys * (UploadsPerKey - BodiesPerKey),
                $"{answered.Count} uploads answered, expected {Keys * (UploadsPerKey - BodiesPerKey)}: {string.Join(" | ", answered.Select(u => u.StatusLine).Distinct())}");
            Assert.All(answered, u =>
            {
                Assert.StartsWith("HTTP/1.1 429", u.StatusLine, StringComparison.Ordinal);
                Assert.Contains("application/problem+json", u.Head, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("Retry-After:", u.Head, StringComparison.OrdinalIgnoreCase);
            });
            Assert.All(keys, key => Assert.Equal(UploadsPerKey - BodiesPerKey, answered.Count(u => u.Key == key)));
            // The registrations reached the replica and are being read there: its memory is under test, not idle.
            Assert.True(replicaActive >= Keys * BodiesPerKey / 4, $"The replica serves only {replicaActive} requests.");

            Assert.True(gatewayPeak.ResidentBytes - gatewayBefore.ResidentBytes < MaxGrowthBytes, $"Gateway resident set grew from {gatewayBefore} to {gatewayPeak}.");
            Assert.True(gatewayPeak.DataBytes - gatewayBefore.DataBytes < MaxCommitGrowthBytes, $"Gateway committed memory grew from {gatewayBefore} to {gatewayPeak}.");
            Assert.True(replicaPeak.ResidentBytes - replicaBefore.ResidentBytes < MaxGrowthBytes, $"Replica resident set grew from {replicaBefore} to {replicaPeak}.");
            Assert.True(replicaPeak.DataBytes - replicaBefore.DataBytes < MaxCommitGrowthBytes, $"Replica committed memory grew from {replicaBefore} to {replicaPeak}.");
        }
        finally
        {
            foreach (var upload in uploads)
            {
                upload.Dispose();
            }
        }

        // Dropped uploads give their slots back: a normal batch of the same key passes again.
        using var client = stack.CreateClient(keys[0]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            using var response = await client.PostAsJsonAsync(TaskBatches, new { tasks = Records.Tasks(prefix, 3) });
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                break;
            }

            Assert.True(
                response.StatusCode == HttpStatusCode.TooManyRequests && DateTime.UtcNow < deadline,
                $"After the uploads were dropped a batch got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Requests the replica is serving now (ASP.NET Core's http.server.active_requests, from its scrape).</summary>
    private async Task<long> ActiveRequestsAsync(string replica)
    {
        using var client = new HttpClient { BaseAddress = stack.Stack.Endpoint(replica) };
        var text = await client.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith("http_server_active_requests", StringComparison.Ordinal) && line.Contains("POST", StringComparison.Ordinal))
            .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>A process's resident set (VmRSS) and private writable mappings (VmData: the committed GC heap, stacks).</summary>
    private readonly record struct ProcessMemory(long ResidentBytes, long DataBytes)
    {
        public static ProcessMemory Read(int pid)
        {
            long resident = 0, data = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kilobytes(line);
                }
                else if (line.StartsWith("VmData:", StringComparison.Ordinal))
                {
                    data = Kilobytes(line);
                }
            }

            return new(resident, data);
        }

        public static ProcessMemory Max(ProcessMemory a, ProcessMemory b) =>
            new(Math.Max(a.ResidentBytes, b.ResidentBytes), Math.Max(a.DataBytes, b.DataBytes));

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"RSS {ResidentBytes >> 20} MiB, data {DataBytes >> 20} MiB");

        private static long Kilobytes(string line) =>
            1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An upload on a socket of its own: headers declaring the whole length, then whatever the test sends. An answer
    /// that comes before the body is whole (a refusal) is read as it arrives.
    /// </summary>
    private sealed class SlowUpload : IDisposable
    {
        private readonly Socket _socket;
        private volatile string? _head;

        private SlowUpload(Socket socket, string key)
        {
            _socket = socket;
            Key = key;
            _ = ReadHeadAsync();
        }

        public string Key { get; }

        public bool Answered => _head is not null;

        public string Head => _head ?? "";

        public string StatusLine => Head.Split("\r\n")[0];

        public static async Task<SlowUpload> OpenAsync(Uri gateway, string path, string key, int declaredBytes, string start)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(gateway.Host, gateway.Port);
            var head = $"POST {path} HTTP/1.1\r\nHost: {gateway.Authority}\r\n{ApiKeyAuthenticationHandler.HeaderName}: {key}\r\n"
                + $"Content-Type: application/json\r\nContent-Length: {declaredBytes.ToString(CultureInfo.InvariantCulture)}\r\n\r\n{start}";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head));
            return new SlowUpload(socket, key);
        }

        public async Task SendAsync(byte[] chunk)
        {
            try
            {
                await _socket.SendAsync(chunk);
            }
            catch (SocketException)
            {
                // Answered and closed by the gateway: the answer is what the test looks at.
            }
        }

        /// <summary>Drops the upload; its reading ends on its own.</summary>
        public void Dispose() => _socket.Dispose();

        private async Task ReadHeadAsync()
        {
            var received = new List<byte>();
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var read = await _socket.ReceiveAsync(buffer);
                    if (read == 0)
                    {
                        _head = received.Count > 0 ? Encoding.ASCII.GetString([.. received]) : "(closed without an answer)";
                        return;
                    }

                    received.AddRange(buffer.AsSpan(0, read));
                    var text = Encoding.ASCII.GetString([.. received]);
                    if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        _head = text;
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Closed by the test.
            }
        }
    }
}
