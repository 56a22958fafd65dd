using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Persistence.Contracts;
using StackExchange.Redis;
using Translation.Worker.Flushing;

namespace Flush.Benchmark;

/// <summary>
/// What the worker spends per record before MySQL sees it: decoding a stream entry of the benchmark's record (the
/// same ~410 bytes of JSON the pipeline benchmark sends, with a trace parent) and reading its columns.
/// </summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private const int Entries = 1000;
    private StreamEntry[] _entries = [];
    private byte[][] _json = [];
    private FlushItem<TaskRecord>[] _items = [];

    [GlobalSetup]
    public void Setup()
    {
        _json = [.. Enumerable.Range(0, Entries).Select(i => Encoding.UTF8.GetBytes(Record(i)))];
        _entries = [.. Enumerable.Range(0, Entries).Select(i => new StreamEntry(
            string.Create(CultureInfo.InvariantCulture, $"1700000000000-{i}"),
            [
                new(PersistenceStreams.Fields.Record, _json[i]),
                new(PersistenceStreams.Fields.Caller, "dev"),
                new(PersistenceStreams.Fields.TraceParent, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ]))];
        _items = [.. _entries.Select(e => FlushItem<TaskRecord>.Decode(e, RecordTables.Tasks).Materialize(RecordTables.Tasks))];
    }

    /// <summary>What coalescing reads of every state: key, row version, status and trace context, not the record.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int DecodeEntry()
    {
        var decoded = 0;
        foreach (var entry in _entries)
        {
            decoded += FlushItem<TaskRecord>.Decode(entry, RecordTables.Tasks).Problem is null ? 1 : 0;
        }

        return decoded;
    }

    /// <summary>A winner's decode: the head, then the whole record.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int DecodeWinner()
    {
        var decoded = 0;
        foreach (var entry in _entries)
        {
            decoded += FlushItem<TaskRecord>.Decode(entry, RecordTables.Tasks).Materialize(RecordTables.Tasks).Record is null ? 0 : 1;
        }

        return decoded;
    }

    /// <summary>The JSON alone, from the same bytes with the source-generated type info: the floor of any decode.</summary>
    [Benchmark(OperationsPerInvoke = Entries, Baseline = true)]
    public int DeserializeOnly()
    {
        var decoded = 0;
        foreach (var json in _json)
        {
            decoded += JsonSerializer.Deserialize(json, PersistenceJsonContext.Default.TaskRecord) is null ? 0 : 1;
        }

        return decoded;
    }

    /// <summary>Reading every column's value as the upsert binds it (metadata re-serialised, timestamps converted).</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public int ReadColumns()
    {
        var values = 0;
        foreach (var item in _items)
        {
            foreach (var column in RecordTables.Tasks.Columns)
            {
                values += column.Value(item.Record!) is null ? 0 : 1;
            }
        }

        return values;
    }

    /// <summary>The pieces of a decode beside the JSON, to see which one costs.</summary>
    [Benchmark(OperationsPerInvoke = Entries)]
    public long EntryFields()
    {
        long sum = 0;
        foreach (var entry in _entries)
        {
            var id = StreamId.Parse(entry.Id);
            byte[] json = entry[PersistenceStreams.Fields.Record]!;
            var arrived = StreamId.TryParse((string?)entry[PersistenceStreams.Fields.ArrivedAs], out var a) ? a : id;
            var traceParent = entry[PersistenceStreams.Fields.TraceParent];
            _ = System.Diagnostics.ActivityContext.TryParse(traceParent.ToString(), null, out var context);
            sum += json.Length + (long)arrived.Sequence + (context.TraceFlags == default ? 0 : 1);
        }

        return sum;
    }

    private static string Record(int i) =>
        $$"""{"task_id":"bench-12345678-{{i}}","session_id":"bench-12345678-s","batch_id":"bench","status":"processing","source_lang":"en","target_lang":"fr","source_text":"The quick brown fox jumps over the lazy dog while the benchmark counts every record it sends.","translated_text":null,"attempts":1,"metadata":{"bench":true},"created_at":"2026-12-01T12:00:00.123456Z","updated_at":"2026-12-01T12:00:00.123456Z"}""";
}
