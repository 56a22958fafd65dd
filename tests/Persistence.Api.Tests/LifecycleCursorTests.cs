using Persistence.Api.Translations;
using Persistence.Contracts.Translations;

namespace Persistence.Api.Tests;

public sealed class LifecycleCursorTests
{
    [Fact]
    public void A_cursor_round_trips_for_its_own_route_and_is_refused_by_another()
    {
        var cursor = LifecycleCursor.Encode("h1", "42");

        Assert.Equal("42", LifecycleCursor.TryDecode(cursor, "h1"));
        Assert.Null(LifecycleCursor.TryDecode(cursor, "f1"));
        Assert.Null(LifecycleCursor.TryDecode("not base64url!", "h1"));
        Assert.Null(LifecycleCursor.TryDecode(new string('A', 600), "h1"));
    }

    [Fact]
    public void A_failed_jobs_position_keeps_the_microsecond_and_the_job_id_and_refuses_forgeries()
    {
        var jobId = new string('a', 32);
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1230);
        var job = new JobState(jobId, "b", "en", "fr", "failed", null, "e", 3, false, at, at, null, "debug", "1", null);

        var position = FailedJobQueries.Position(job);

        Assert.Equal((at.UtcDateTime, jobId), FailedJobQueries.ParsePosition(position));
        Assert.Null(FailedJobQueries.ParsePosition("123"));
        Assert.Null(FailedJobQueries.ParsePosition("-1." + jobId));
        Assert.Null(FailedJobQueries.ParsePosition("99999999999999999999." + jobId));
        Assert.Null(FailedJobQueries.ParsePosition("123.not-a-job-id"));
    }
}
