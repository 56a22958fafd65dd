using System.Text.Json;
using Persistence.Api.Queries;

namespace Persistence.Api.Tests;

/// <summary>JSON columns stored with a lone surrogate escape (MariaDB accepts them) read back as answerable JSON.</summary>
public sealed class StoredJsonTests
{
    [Theory]
    [InlineData("""{"k":"\ud800"}""", """{"k":"\ufffd"}""")]
    [InlineData("""{"k":"a\udc00b","\ud83d":[1,"\ud800\ud800\ude00"]}""", """{"k":"a\ufffdb","\ufffd":[1,"\ufffd\ud800\ude00"]}""")]
    [InlineData("""{"k":"\\ud800"}""", """{"k":"\\ud800"}""")]
    [InlineData("""{"k":"\ud83d\ude00 \u00e9 \n"}""", """{"k":"\ud83d\ude00 \u00e9 \n"}""")]
    [InlineData("""{"k":"plain"}""", """{"k":"plain"}""")]
    public void Lone_surrogate_escapes_become_the_replacement_character_and_nothing_else_changes(string stored, string read) =>
        Assert.Equal(read, StoredJson.Readable(stored));

    [Fact]
    public void A_repaired_column_can_be_written_as_a_response()
    {
        using var document = JsonDocument.Parse(StoredJson.Readable("""{"k":"\ud800","n":1}"""));
        using var output = new MemoryStream();
        using (var writer = new Utf8JsonWriter(output))
        {
            document.RootElement.WriteTo(writer);
        }

        Assert.Equal("{\"k\":\"\\uFFFD\",\"n\":1}", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void The_stored_column_as_it_is_cannot_be_written_which_is_why_reads_answered_500()
    {
        using var document = JsonDocument.Parse("""{"k":"\ud800"}""");
        using var writer = new Utf8JsonWriter(Stream.Null);

        Assert.Throws<InvalidOperationException>(() => document.RootElement.WriteTo(writer));
    }
}
