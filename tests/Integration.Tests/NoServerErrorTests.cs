using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Persistence.Contracts;
using Xunit.Abstractions;

namespace Integration.Tests;

/// <summary>
/// Seeded random requests against every public route through the gateway: whatever the query string, path or body,
/// the answer is never a server error other than 503 (with Retry-After). The flush barrier's 504 "Flush not
/// complete" is a designed answer and allowed. Routes that change other tests' state wholesale (replay-all, delete,
/// garbage collection for real) only get requests they refuse before acting.
/// </summary>
[Collection(StackDefinition.Name)]
public sealed class NoServerErrorTests(StackFixture stack, ITestOutputHelper output)
{
    private const int Seed = 20_261_201;
    private const int Cases = 3000;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    private static readonly string[] NastyValues =
    [
        "", " ", "0", "-1", "1", "2", "20", "201", "99999999999999999999", "2147483648", "-2147483649", "1e9", "NaN", "true", "null",
        "%00", "\u0000", "\u202e", "é", "😀", "a b", "a,b", ",", "pending", "pending,processing", "done", "strong", "eventual",
        "created_at", "updated_at", "asc", "desc", "en", "fr", "zh-CN", "x-" + new string('a', 40), new string('z', 3000),
        "2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2026-01-01T00:00:00+25:00", "2026-13-45",
        "1700000000000-0", "18446744073709551615-18446744073709551615", "0-0", "-", "+", "1-", "-1-1",
        Cursor("1.cd.9223372036854775807.x"), Cursor("1.ca.-9223372036854775808.x"), Cursor("1.ua.253402300800000000.s"),
        Cursor("1.ta.0.t"), Cursor("1.cd.0."), Cursor("1.cd.1." + new string('x', 65)), Cursor("1.xx.1.a"), Cursor("2.cd.1.a"),
        Cursor("1.cd.1.a b"), Cursor("1.cd.1.\u0001"), "not-base64!", "====", new string('A', 600),
    ];

    private static readonly string[] ParameterNames =
    [
        "status", "from", "to", "source_lang", "target_lang", "batch_id", "sort", "order", "page", "page_size", "cursor",
        "consistency", "timeout_ms", "lang", "limit", "dry_run", "engine", "since", "until", "max_jobs", "to_engine", "x", "",
    ];

    [Fact]
    public async Task Random_requests_to_every_public_route_never_get_a_server_error_other_than_503()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();
        using var limiter = new SemaphoreSlim(6);
        var pending = new List<Task>();
        var done = 0;
        for (var i = 0; i < Cases && clock.Elapsed < Budget; i++)
        {
            var request = Build(random, i);
            await limiter.WaitAsync();
            pending.Add(Task.Run(async () =>
            {
                try
                {
                    var (status, detail) = await SendAsync(request);
                    lock (statuses)
                    {
                        statuses[status] = statuses.GetValueOrDefault(status) + 1;
                        done++;
                        if (detail is not null)
                        {
                            failures.Add(detail);
                        }
                    }
                }
                finally
                {
                    limiter.Release();
                }
            }));
        }

        await Task.WhenAll(pending);
        output.WriteLine($"{done} cases in {clock.Elapsed.TotalSeconds:F0} s (seed {Seed}): "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(done >= 1000, $"Only {done} cases ran within {Budget}.");
        Assert.True(failures.Count == 0, $"{failures.Count} server error(s) (seed {Seed}):\n{string.Join("\n", failures.Take(15))}\n{stack.LogTail()}");
    }

    [Fact]
    public async Task A_read_before_the_first_migration_finds_no_table_and_is_answered_503_with_Retry_After()
    {
        await using var db = stack.OpenDatabase();
        var missing = await Assert.ThrowsAsync<MySqlException>(
            () => new MySqlCommand("SELECT session_id FROM translation_sessions_not_yet_migrated", db).ExecuteScalarAsync());
        var services = new ServiceCollection().AddLogging().AddProblemResponses()
            .AddSingleton(Options.Create(new Persistence.Api.Http.UnavailableOptions()))
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        var handler = new Persistence.Api.UnavailableDependencyHandler(
            new Persistence.Storage.MySql.MySqlDialect(), NullLogger<Persistence.Api.UnavailableDependencyHandler>.Instance);

        Assert.True(await handler.TryHandleAsync(context, missing, CancellationToken.None));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.False(string.IsNullOrEmpty(context.Response.Headers.RetryAfter));
    }

    private sealed record FuzzRequest(int Case, HttpMethod Method, string Path, byte[]? Body, string? ContentType);

    /// <summary>Stands in a body for bytes that are not UTF-8; replaced by one of <see cref="IllFormedUtf8"/> when sent.</summary>
    private const string IllFormedMarker = "\u0001ILL\u0001";

    /// <summary>Byte sequences no UTF-8 decoder accepts: a lone continuation, truncations, an encoded surrogate, overlongs.</summary>
    private static readonly byte[][] IllFormedUtf8 =
        [[0x80], [0xC3], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80]];

    /// <summary>JSON strings holding escaped surrogates without their pair: valid JSON, not Unicode.</summary>
    private static readonly string[] LoneSurrogates = ["\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83d\"", "\"\\udfff\\ud800\"", "\"\\ud800\\u0041\""];

    private async Task<(int Status, string? Failure)> SendAsync(FuzzRequest request)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = request.ContentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(request.ContentType);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await stack.Gateway.SendAsync(message, timeout.Token);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        var allowed = status < 500
            || (status == 503 && response.Headers.RetryAfter is not null)
            || (status == 504 && body.Contains("Flush not complete", StringComparison.Ordinal));
        var sent = request.Body is null ? null : Encoding.UTF8.GetString(request.Body);
        return (status, allowed ? null : $"#{request.Case} {request.Method} {Shorten(request.Path)} body={Shorten(sent)} → {status} {Shorten(body)}");
    }

    private static FuzzRequest Build(Random random, int index)
    {
        var segment = () => Uri.EscapeDataString(Pick(random, NastyValues));
        var (method, path, bodyKind) = random.Next(30) switch
        {
            0 => (HttpMethod.Post, ApiRoutes.Persistence.SessionsBatch, "sessions"),
            1 => (HttpMethod.Post, ApiRoutes.Persistence.TasksBatch, "tasks"),
            2 => (HttpMethod.Post, ApiRoutes.Persistence.Flush, null),
            3 => (HttpMethod.Get, ApiRoutes.Persistence.Stats, null),
            4 => (HttpMethod.Get, ApiRoutes.Persistence.DeadLetters, null),
            5 => (HttpMethod.Get, ApiRoutes.Persistence.DeadLetters + "/" + segment(), null),
            6 => (HttpMethod.Post, $"{ApiRoutes.Persistence.DeadLetters}/{segment()}/replay", null),
            7 => (HttpMethod.Get, ApiRoutes.Translation.Sessions, null),
            8 => (HttpMethod.Get, ApiRoutes.Translation.Sessions + "/" + segment(), null),
            9 => (HttpMethod.Get, $"{ApiRoutes.Translation.Sessions}/{segment()}/tasks", null),
            10 => (HttpMethod.Get, ApiRoutes.Translation.Tasks + "/" + segment(), null),
            11 => (HttpMethod.Get, ApiRoutes.Translation.IncompleteSessions, null),
            12 => (HttpMethod.Post, ApiRoutes.Translation.Restore + "/" + segment(), null),
            13 => (HttpMethod.Post, ApiRoutes.Admin.GarbageCollection, null),
            14 => (HttpMethod.Post, ApiRoutes.DeprecatedTranslations.Prefix, "translation"),
            15 => (HttpMethod.Post, ApiRoutes.DeprecatedTranslations.Batch, "translations"),
            16 => (HttpMethod.Get, ApiRoutes.DeprecatedTranslations.Prefix, null),
            17 => (HttpMethod.Get, $"{ApiRoutes.DeprecatedTranslations.Prefix}/{segment()}/{segment()}", null),
            18 => (HttpMethod.Post, $"{ApiRoutes.DeprecatedTranslations.Prefix}/{segment()}/retry", null),
            19 => (HttpMethod.Post, $"{ApiRoutes.Translation.Jobs}/{segment()}/{Pick(random, ["approve", "reject", "requeue"])}", "review"),
            20 => (HttpMethod.Post, ApiRoutes.Translation.JobsRetranslate, "review"),
            21 => (HttpMethod.Get, $"{ApiRoutes.Translation.History}/{segment()}/{segment()}", null),
            22 => (HttpMethod.Get, ApiRoutes.Translation.FailedJobs, null),
            23 => (HttpMethod.Post, ApiRoutes.Translation.FailedJobsRequeue, null),
            24 => (HttpMethod.Get, $"{ApiRoutes.Translation.JobsByBusinessId}/{segment()}", null),
            25 => (HttpMethod.Post, ApiRoutes.Translation.TasksBatch, "tasks"),
            26 => (HttpMethod.Post, ApiRoutes.Translation.Jobs, "translation"),
            27 => (HttpMethod.Post, ApiRoutes.Translation.JobsBatch, "translations"),
            28 => (HttpMethod.Post, ApiRoutes.Translation.SessionsBatch, "sessions"),
            _ => (HttpMethod.Get, ApiRoutes.DeprecatedTranslations.Prefix + "/" + segment(), null),
        };

        var query = new List<string>();
        for (var q = random.Next(4); q > 0; q--)
        {
            var name = Pick(random, ParameterNames);
            var value = Pick(random, NastyValues);
            if (name == "timeout_ms" && int.TryParse(value, CultureInfo.InvariantCulture, out var ms) && ms > 200)
            {
                value = "200";
            }

            query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }

        if (path == ApiRoutes.Admin.GarbageCollection)
        {
            // A real collection would delete other tests' rows; only values it refuses or dry runs.
            query.RemoveAll(q => q.StartsWith("dry_run=", StringComparison.Ordinal));
            query.Add("dry_run=" + Uri.EscapeDataString(Pick(random, ["true", "1", "", "yes", "maybe", "2"])));
        }

        if (path.EndsWith("/flush", StringComparison.Ordinal))
        {
            query.RemoveAll(q => q.StartsWith("timeout_ms=", StringComparison.Ordinal));
            query.Add("timeout_ms=" + Pick(random, ["1", "50", "200", "0", "-5", "x", "999999999"]));
        }

        var url = query.Count == 0 ? path : path + "?" + string.Join("&", query);
        byte[]? body = null;
        string? contentType = null;
        if (bodyKind is not null || random.Next(5) == 0)
        {
            body = Utf8WithIllFormedBytes(random, Body(random, bodyKind));
            contentType = Pick(random, ["application/json", "application/json", "application/json", "text/plain", "application/json; charset=utf-16", "application/problem+json"]);
        }

        return new FuzzRequest(index, method, url, body, contentType);
    }

    private static string Body(Random random, string? kind)
    {
        switch (random.Next(8))
        {
            case 0:
                return Pick(random, ["", "{", "[", "null", "1", "\"x\"", "{\"tasks\":", "{}{}", "\uFEFF{}", "{\"items\":null}"]);
            case 1:
                var bytes = new byte[random.Next(1, 400)];
                random.NextBytes(bytes);
                return Encoding.Latin1.GetString(bytes);
            case 2:
                return Value(random, random.Next(1, 80));
            default:
                break;
        }

        var item = Item(random, kind);
        return kind switch
        {
            "sessions" => $"{{\"sessions\":[{item}]}}",
            "tasks" => $"{{\"tasks\":[{item}]}}",
            "translations" => $"{{\"items\":[{item}]}}",
            _ => item,
        };
    }

    /// <summary>A record of the endpoint's shape with random values in some of its fields.</summary>
    private static string Item(Random random, string? kind)
    {
        string[] fields = kind switch
        {
            "sessions" => ["session_id", "status", "source_lang", "target_langs", "total_tasks", "completed_tasks", "failed_tasks", "metadata", "created_at", "updated_at"],
            "tasks" => ["task_id", "session_id", "batch_id", "status", "source_lang", "target_lang", "source_text", "translated_text", "error", "attempts", "metadata", "created_at", "updated_at"],
            "review" => ["note", "engine", "business_id", "target_langs"],
            _ => ["business_id", "text", "source_lang", "target_langs", "context"],
        };
        var members = new List<string>();
        foreach (var field in fields)
        {
            if (random.Next(6) == 0)
            {
                continue;
            }

            var value = random.Next(3) == 0 ? Value(random, random.Next(1, 70)) : JsonSerializer.Serialize(Pick(random, NastyValues));
            members.Add($"{JsonSerializer.Serialize(field)}:{value}");
        }

        return "{" + string.Join(",", members) + "}";
    }

    /// <summary>The body in UTF-8, each <see cref="IllFormedMarker"/> in it replaced by bytes that are not UTF-8.</summary>
    private static byte[] Utf8WithIllFormedBytes(Random random, string body)
    {
        var parts = body.Split(IllFormedMarker);
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts.Skip(1))
        {
            bytes.AddRange(Pick(random, IllFormedUtf8));
            bytes.AddRange(Encoding.UTF8.GetBytes(part));
        }

        return [.. bytes];
    }

    /// <summary>Any JSON value, nested up to <paramref name="depth"/> levels.</summary>
    private static string Value(Random random, int depth)
    {
        if (depth <= 1 || random.Next(4) == 0)
        {
            return random.Next(8) switch
            {
                0 => "null",
                6 => Pick(random, LoneSurrogates),
                7 => "\"a" + IllFormedMarker + "b\"",
                1 => Pick(random, ["0", "-1", "1e400", "-0", "12345678901234567890123", "1.5", "true", "false"]),
                _ => JsonSerializer.Serialize(Pick(random, NastyValues)),
            };
        }

        return random.Next(2) == 0
            ? "[" + Value(random, depth - 1) + "]"
            : "{" + Pick(random, ["\"k0\"", "\"k1\"", "\"k2\"", "\"\\ud800\"", "\"k" + IllFormedMarker + "\""]) + ":" + Value(random, depth - 1) + "}";
    }

    private static string Cursor(string plain) => Convert.ToBase64String(Encoding.UTF8.GetBytes(plain)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static string Shorten(string? text) => text is null ? "null" : text.Length <= 200 ? text : text[..200] + "…";
}
