using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Translation.Worker.Backup;

namespace Translation.Worker.Tests;

public sealed class BackupOptionsTests
{
    private static ValidateOptionsResult Validate(BackupOptions options) =>
        new BackupOptionsValidator(new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero))).Validate(null, options);

    [Fact]
    public void Backups_are_off_by_default_and_keep_seven_daily_ones_when_turned_on()
    {
        var defaults = new BackupOptions();

        Assert.False(defaults.Enabled);
        Assert.Equal(7, defaults.Keep);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 2, 30, 0, TimeSpan.Zero), defaults.NextRunAfter(new DateTimeOffset(2026, 11, 25, 2, 30, 0, TimeSpan.Zero)));
        Assert.True(Validate(defaults).Succeeded);
    }

    [Theory]
    [InlineData("", "Backup:Directory '' must be an absolute path")]
    [InlineData("backups", "Backup:Directory 'backups' must be an absolute path")]
    public void Turned_on_they_need_an_absolute_folder(string directory, string message)
    {
        var result = Validate(new BackupOptions { Enabled = true, Directory = directory });

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not cron", "is not a five-field cron expression")]
    [InlineData("0 0 31 2 *", "never occurs")]
    public void A_schedule_that_does_not_parse_or_never_comes_is_refused_naming_the_option(string schedule, string message)
    {
        var result = Validate(new BackupOptions { Enabled = true, Directory = "/var/backups/persistence", Schedule = schedule });

        Assert.True(result.Failed);
        Assert.Contains("Backup:Schedule", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeping_no_backup_is_refused()
    {
        var result = Validate(new BackupOptions { Keep = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Backup:Keep is 0", result.FailureMessage, StringComparison.Ordinal);
    }
}
