using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AppHost;
using Persistence.Contracts;

namespace Integration.Tests.Translations;

/// <summary>The workers' engine changed in their settings file while they run; the test puts the debug engine back.</summary>
[Collection(IsolatedStackDefinition.Name)]
public sealed class EngineSwitchTests(IsolatedStackFixture stack)
{
    private readonly TranslationSteps _steps = new(stack);

    [Fact]
    public async Task Changing_the_engine_in_the_settings_file_takes_effect_for_the_next_claims_without_a_restart()
    {
        var prefix = Records.Prefix();
        var text = $"Switch engines {prefix}";
        await _steps.RequestAsync($"{prefix}.before", text, "fr");
        var before = await _steps.WaitForStatusAsync($"{prefix}.before", "fr", "translated");
        Assert.Equal("debug", before.GetProperty("engine").GetString());
        Assert.Equal(0, stack.Engine.Calls);

        try
        {
            await stack.WriteWorkerSettingsAsync(new { Processing = new { Engine = "openai" } });

            // Both workers reload the file within moments; until then a claim may still go to the debug engine.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var probes = 0;
            while (true)
            {
                var business = $"{prefix}.probe{probes}";
                await _steps.RequestAsync(business, $"Probe {prefix} {probes++}", "fr");
                var probe = await _steps.WaitForStatusAsync(business, "fr", "translated");
                if (probe.GetProperty("engine").GetString() == "openai")
                {
                    Assert.Equal(FakeChatCompletions.Model, probe.GetProperty("engine_version").GetString());
                    Assert.StartsWith("fake:", probe.GetProperty("result").GetString(), StringComparison.Ordinal);
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"No claim used the new engine within 60 s.\n{stack.LogTail()}");
                await Task.Delay(500);
            }

            Assert.Contains("Switched engine from debug to openai", stack.LogLines("translation-worker-0", "Switched engine") + stack.LogLines("translation-worker-1", "Switched engine"), StringComparison.Ordinal);

            // A text the debug engine translated before the switch is not answered with the debug engine's output.
            await WaitForAllWorkersAsync(prefix);
            var job = (await _steps.RequestAsync($"{prefix}.after", text, "fr"))["fr"];
            var after = await _steps.WaitForStatusAsync($"{prefix}.after", "fr", "translated");
            Assert.Equal(FakeChatCompletions.Translate(text), after.GetProperty("result").GetString());
            Assert.False(after.GetProperty("reused").GetBoolean());
            Assert.Equal("openai", after.GetProperty("engine").GetString());
            var claim = (await _steps.HistoryAsync($"{prefix}.after")).Single(e => e.GetProperty("event").GetString() == "claimed");
            Assert.Contains($"openai:{FakeChatCompletions.Model}", claim.GetProperty("detail").GetString(), StringComparison.Ordinal);

            // A rejected translation can go to another engine than the configured one.
            using (var rejected = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/reject", new { note = "try the other engine" }))
            {
                Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
            }

            using (var requeued = await _steps.PostAsync($"{ApiRoutes.Translation.Jobs}/{job}/requeue", new { engine = "debug" }))
            {
                Assert.Equal(HttpStatusCode.Accepted, requeued.StatusCode);
            }

            var redone = await _steps.WaitForAsync(
                $"{prefix}.after", "fr", j => j.GetProperty("status").GetString() == "translated" && j.GetProperty("engine").GetString() == "debug", "translated by debug");
            Assert.Equal("[fr] " + new string([.. text.Reverse()]), redone.GetProperty("result").GetString());

            // A setting the workers cannot run is refused; they stay with the engine they have.
            await stack.WriteWorkerSettingsAsync(new { Processing = new { Engine = "babelfish" } });
            var refusedDeadline = DateTime.UtcNow.AddSeconds(30);
            var refused = 0;
            while (true)
            {
                await _steps.RequestAsync($"{prefix}.refused{refused}", $"Still openai {prefix} {refused}", "fr");
                var still = await _steps.WaitForStatusAsync($"{prefix}.refused{refused++}", "fr", "translated");
                Assert.Equal("openai", still.GetProperty("engine").GetString());
                if (stack.LogLines("translation-worker-0", "Engine change refused").Length > 0 && stack.LogLines("translation-worker-1", "Engine change refused").Length > 0)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < refusedDeadline, $"The workers did not report the refused engine.\n{stack.LogTail()}");
                await Task.Delay(300);
            }
        }
        finally
        {
            // The stack is shared with other tests that disturb it: leave the engine it started with.
            await stack.WriteWorkerSettingsAsync(new { Processing = new { Engine = "debug" } });
        }
    }

    /// <summary>Until both workers log the switch, the next claim could still be the other's, on the old engine.</summary>
    private async Task WaitForAllWorkersAsync(string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (stack.LogLines("translation-worker-0", "Switched engine").Length == 0 || stack.LogLines("translation-worker-1", "Switched engine").Length == 0)
        {
            // The switch is noticed at a claim: keep both workers claiming.
            await _steps.RequestAsync($"{prefix}.nudge{Guid.NewGuid():N}", $"Nudge {Guid.NewGuid():N}", "fr");
            Assert.True(DateTime.UtcNow < deadline, $"Not every worker switched engine within 60 s.\n{stack.LogTail()}");
            await Task.Delay(300);
        }
    }
}
