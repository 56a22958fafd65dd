using Translation.Worker.Processing;

namespace Translation.Worker.Tests;

public sealed class DebugEngineTests
{
    [Fact]
    public async Task Marks_the_language_and_reverses_by_text_element()
    {
        var outcomes = await new DebugEngine().TranslateAsync(
            new EngineBatch("en", "zh-CN", [new("Hello", null), new("e\u0301a👍", null)]), CancellationToken.None);

        Assert.Equal("[zh-CN] olleH", outcomes[0].Text);
        Assert.Equal("[zh-CN] 👍ae\u0301", outcomes[1].Text);
    }

    [Fact]
    public async Task Fails_only_the_texts_marked_to_fail()
    {
        var outcomes = await new DebugEngine().TranslateAsync(
            new EngineBatch("en", "fr", [new("ok", null), new(DebugEngine.FailurePrefix + " please", null)]), CancellationToken.None);

        Assert.Equal("[fr] ko", outcomes[0].Text);
        Assert.Null(outcomes[1].Text);
        Assert.NotNull(outcomes[1].Error);
    }
}
