using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Persistence.Api.Ingest;
using Persistence.Contracts;

namespace Persistence.Api.Tests;

/// <summary>
/// The API appends each item's bytes as the client sent them; the worker decodes those bytes with its contract
/// (<see cref="PersistenceJsonContext"/>, as its RecordTable does). Whatever the spelling, what the worker gets must be
/// exactly the record that was validated.
/// </summary>
public sealed class RawItemsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly RecordValidator Validator = new(Options.Create(new IngestOptions()), new FakeTimeProvider(Now));

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Every_appended_item_decodes_with_the_workers_contract_to_the_validated_record() =>
        Prop.ForAll(Arb.From(Batches()), sample =>
        {
            var read = BatchReader.Parse(Encoding.UTF8.GetBytes(sample.Body), IngestJson.Strict.TaskBatch, "tasks", 5000);
            var validated = read.Batch?.Tasks;
            if (read.Error is not null || validated is null || read.Items is not { } items || Validator.Validate(validated).Count > 0)
            {
                return false.Label($"not read or not valid: {read.Error?.Field} {read.Error?.Message}\n{sample.Body}");
            }

            var decoded = items.Select(bytes => JsonSerializer.Deserialize(bytes, PersistenceJsonContext.Default.TaskRecord)).ToList();
            return (items.Count == sample.Records.Count
                    && Enumerable.Range(0, items.Count).All(i => Same(decoded[i]!, validated[i]!) && Same(decoded[i]!, sample.Records[i])))
                .Label(sample.Body);
        });

    [Theory]
    [InlineData("""{"task_id":"a","task_id":"b"}""", "task_id")]
    [InlineData("""{"task_id":"a","t\u0061sk_id":"b"}""", "task_id")]
    [InlineData("""{"task_id":"a","metadata":{"k":1,"k":2}}""", "metadata")]
    public void A_property_given_twice_inside_an_item_is_refused_with_its_index(string item, string field)
    {
        var read = BatchReader.Parse(Encoding.UTF8.GetBytes($$"""{"tasks":[{"task_id":"x"},{{item}}]}"""), IngestJson.Strict.TaskBatch, "tasks", 5000);

        Assert.Null(read.Batch);
        Assert.Equal(1, read.Error!.Index);
        Assert.Equal(field, read.Error.Field);
    }

    [Fact]
    public void The_items_are_the_bytes_between_the_brackets_as_sent()
    {
        const string Body = "{ \"t\\u0061sks\" : [ {\"task_id\" : \"a\"} ,\n{\"task_id\":\"\\u0062\"}\t] }";

        var read = BatchReader.Parse(Encoding.UTF8.GetBytes(Body), IngestJson.Strict.TaskBatch, "tasks", 5000);

        Assert.Equal(["{\"task_id\" : \"a\"}", "{\"task_id\":\"\\u0062\"}"], read.Items!.Select(i => Encoding.UTF8.GetString(i)));
    }

    private static bool Same(TaskRecord actual, TaskRecord expected) =>
        actual with { Metadata = null } == expected with { Metadata = null }
        && (actual.Metadata, expected.Metadata) switch
        {
            (null, null) => true,
            ({ } a, { } e) => JsonElement.DeepEquals(a, e),
            _ => false,
        };

    public sealed record Sample(List<TaskRecord> Records, string Body);

    private static Gen<Sample> Batches() =>
        from records in Gen.ListOf(Tasks()).Select(r => r.ToList()).Where(r => r.Count is > 0 and <= 20)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Sample(records, new OddJson(new Random(seed)).Batch(records));

    private static Gen<string> Text(int min, int max, bool ids) =>
        from units in Gen.ListOf(Gen.Elements(ids ? IdUnits : TextUnits))
        let text = string.Concat(units.Take(max))
        where text.Length >= min && !text.EndsWith(' ') && (!ids || !string.IsNullOrWhiteSpace(text))
        select text;

    // Letters that take each kind of escape: the JSON-special, controls (text only), non-ASCII, a surrogate pair.
    private static readonly string[] IdUnits = ["a", "Z", "0", "-", "_", ".", "/", "\"", "\\", "é", "中", "😀", " "];
    private static readonly string[] TextUnits = [.. IdUnits, "\n", "\t", "\u0001", "\u007f", "\u2028", "<", "'"];

    private static Gen<TaskRecord> Tasks() =>
        from id in Text(1, 30, ids: true)
        from session in Text(1, 30, ids: true)
        from batch in Gen.OneOf(Gen.Constant<string?>(null), Text(1, 30, ids: true).Select(s => (string?)s))
        from status in Gen.Elements(RecordValidator.TaskStatuses.ToArray())
        from source in Gen.Elements<string?>(null, "en", "zh-CN", "pt-BR")
        from target in Gen.Elements<string?>(null, "de", "fr", "sr-Latn-RS")
        from text in Gen.OneOf(Gen.Constant<string?>(null), Text(0, 200, ids: false).Select(s => (string?)s))
        from translated in Gen.OneOf(Gen.Constant<string?>(null), Text(0, 50, ids: false).Select(s => (string?)s))
        from attempts in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 1000).Select(a => (int?)a))
        from metadata in Gen.Elements<string?>(null, "{}", """{"k":1.0e0,"n":[1,2.50,-0],"s":"\u00e9\"","o":{"t":true,"f":null}}""", """{ "x" : "y" }""")
        from createdSeconds in Gen.Choose(0, 1_700_000_000)
        from precision in Gen.Choose(0, 7)
        from rawTicks in Gen.Choose(0, 9_999_999)
        let ticks = rawTicks - (rawTicks % (int)Math.Pow(10, 7 - precision))
        from age in Gen.Choose(0, 100_000)
        from offsetMinutes in Gen.Elements(0, 0, 120, -330, 840)
        let offset = TimeSpan.FromMinutes(offsetMinutes)
        let created = DateTimeOffset.FromUnixTimeSeconds(createdSeconds).AddTicks(ticks).ToOffset(offset)
        select new TaskRecord
        {
            TaskId = id,
            SessionId = session,
            BatchId = batch,
            Status = status,
            SourceLang = source,
            TargetLang = target,
            SourceText = text,
            TranslatedText = translated,
            Attempts = attempts,
            Metadata = metadata is null ? null : JsonDocument.Parse(metadata).RootElement.Clone(),
            CreatedAt = created,
            UpdatedAt = created.AddSeconds(age),
        };

    /// <summary>Writes records the way no serializer does: any property order, whitespace, escapes, explicit nulls.</summary>
    private sealed class OddJson(Random random)
    {
        private readonly StringBuilder _json = new();

        public string Batch(List<TaskRecord> records)
        {
            _json.Append('{').Append(Space()).Append(random.Next(4) == 0 ? "\"t\\u0061sks\"" : "\"tasks\"").Append(Space()).Append(':').Append(Space()).Append('[');
            for (var i = 0; i < records.Count; i++)
            {
                _json.Append(Space());
                if (i > 0)
                {
                    _json.Append(',').Append(Space());
                }

                Record(records[i]);
            }

            return _json.Append(Space()).Append(']').Append(Space()).Append('}').Append(Space()).ToString();
        }

        private void Record(TaskRecord r)
        {
            List<(string Name, string? Value)> properties =
            [
                ("task_id", Quoted(r.TaskId)), ("session_id", Quoted(r.SessionId)), ("batch_id", Quoted(r.BatchId)),
                ("status", Quoted(r.Status)), ("source_lang", Quoted(r.SourceLang)), ("target_lang", Quoted(r.TargetLang)),
                ("source_text", Quoted(r.SourceText)), ("translated_text", Quoted(r.TranslatedText)), ("error", null),
                ("attempts", r.Attempts is 0 && random.Next(2) == 0 ? "-0" : r.Attempts?.ToString(CultureInfo.InvariantCulture)),
                ("metadata", r.Metadata?.GetRawText()),
                ("created_at", Quoted(Timestamp(r.CreatedAt!.Value))), ("updated_at", Quoted(Timestamp(r.UpdatedAt!.Value))),
            ];
            var written = properties.Where(p => p.Value is not null || random.Next(3) == 0).OrderBy(_ => random.Next()).ToList();
            _json.Append('{');
            for (var i = 0; i < written.Count; i++)
            {
                _json.Append(Space()).Append(i > 0 ? "," : "").Append(Space()).Append(Quoted(written[i].Name))
                    .Append(Space()).Append(':').Append(Space()).Append(written[i].Value ?? "null");
            }

            _json.Append(Space()).Append('}');
        }

        private string Timestamp(DateTimeOffset at)
        {
            // As many fractional digits as the instant needs, and maybe trailing zeros beyond them.
            var full = (at.Ticks % TimeSpan.TicksPerSecond).ToString("D7", CultureInfo.InvariantCulture);
            var digits = random.Next(full.TrimEnd('0').Length, 8);
            var fraction = digits == 0 ? "" : "." + full[..digits];
            var zone = at.Offset == TimeSpan.Zero && random.Next(2) == 0
                ? (random.Next(2) == 0 ? "Z" : "z")
                : (at.Offset < TimeSpan.Zero ? "-" : "+") + at.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            return at.ToString(random.Next(2) == 0 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd't'HH:mm:ss", CultureInfo.InvariantCulture) + fraction + zone;
        }

        private string? Quoted(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var quoted = new StringBuilder("\"");
            foreach (var rune in text.EnumerateRunes())
            {
                var c = rune.IsBmp ? (char)rune.Value : '\0';
                var mustEscape = rune.Value is '"' or '\\' or < ' ';
                if (!mustEscape && random.Next(4) != 0)
                {
                    quoted.Append(rune.ToString());
                }
                else if (c is '"' or '\\' && random.Next(2) == 0)
                {
                    quoted.Append('\\').Append(c);
                }
                else if (c == '\n' && random.Next(2) == 0)
                {
                    quoted.Append("\\n");
                }
                else if (c == '/' && random.Next(2) == 0)
                {
                    quoted.Append("\\/");
                }
                else
                {
                    // A character outside the BMP is escaped as its two surrogates, as JSON spells it.
                    foreach (var unit in rune.ToString())
                    {
                        quoted.Append("\\u").Append(((int)unit).ToString(random.Next(2) == 0 ? "X4" : "x4", CultureInfo.InvariantCulture));
                    }
                }
            }

            return quoted.Append('"').ToString();
        }

        private string Space() => random.Next(5) switch
        {
            0 => " ",
            1 => "\n  ",
            2 => "\t",
            3 => "\r\n",
            _ => "",
        };
    }
}
