using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Translation.Worker.GarbageCollection;

/// <summary>
/// A classic five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC. Each field
/// takes <c>*</c>, numbers, ranges <c>a-b</c>, steps <c>*/n</c> or <c>a-b/n</c>, and comma lists; day-of-week is
/// 0-7 with both 0 and 7 meaning Sunday. As in Vixie cron, when both day fields are restricted a day matches if
/// either matches.
/// </summary>
public sealed class CronExpression
{
    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayOfMonthRestricted;
    private readonly bool _dayOfWeekRestricted;

    private CronExpression(ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool domRestricted, bool dowRestricted)
    {
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = daysOfMonth;
        _months = months;
        _daysOfWeek = daysOfWeek;
        _dayOfMonthRestricted = domRestricted;
        _dayOfWeekRestricted = dowRestricted;
    }

    public static CronExpression Parse(string expression) =>
        TryParse(expression, out var cron, out var error) ? cron : throw new FormatException(error);

    public static bool TryParse(string? expression, [NotNullWhen(true)] out CronExpression? cron, [NotNullWhen(false)] out string? error)
    {
        cron = null;
        var fields = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 5)
        {
            error = $"'{expression}' must have 5 fields (minute hour day-of-month month day-of-week), found {fields.Length}.";
            return false;
        }

        if (!TryParseField(fields[0], 0, 59, "minute", out var minutes, out error)
            || !TryParseField(fields[1], 0, 23, "hour", out var hours, out error)
            || !TryParseField(fields[2], 1, 31, "day-of-month", out var daysOfMonth, out error)
            || !TryParseField(fields[3], 1, 12, "month", out var months, out error)
            || !TryParseField(fields[4], 0, 7, "day-of-week", out var daysOfWeek, out error))
        {
            return false;
        }

        // Sunday is both 0 and 7.
        if ((daysOfWeek & (1UL << 7)) != 0)
        {
            daysOfWeek = (daysOfWeek | 1UL) & ~(1UL << 7);
        }

        cron = new CronExpression(minutes, hours, daysOfMonth, months, daysOfWeek, fields[2] != "*", fields[4] != "*");
        return true;
    }

    /// <summary>The first whole minute strictly after <paramref name="after"/> that matches, in UTC.</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        // Every valid expression matches within a few years (Feb 29 needs at most eight); anything longer is a bug.
        var limit = t.AddYears(10);
        while (t < limit)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
            }
            else if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!Has(_minutes, t.Minute))
            {
                t = t.AddMinutes(1);
            }
            else
            {
                return new DateTimeOffset(t);
            }
        }

        throw new InvalidOperationException("The cron expression matches no time within ten years.");
    }

    private bool DayMatches(DateTime t)
    {
        var dom = Has(_daysOfMonth, t.Day);
        var dow = Has(_daysOfWeek, (int)t.DayOfWeek);
        return _dayOfMonthRestricted && _dayOfWeekRestricted ? dom || dow : dom && dow;
    }

    private static bool Has(ulong set, int value) => (set & (1UL << value)) != 0;

    private static bool TryParseField(string field, int min, int max, string name, out ulong set, [NotNullWhen(false)] out string? error)
    {
        set = 0;
        foreach (var part in field.Split(','))
        {
            var rangeText = part;
            var step = 1;
            var slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!TryNumber(part[(slash + 1)..], out step) || step < 1)
                {
                    error = $"{name}: '{part}' has an invalid step.";
                    return false;
                }

                rangeText = part[..slash];
            }

            int from;
            int to;
            if (rangeText == "*")
            {
                (from, to) = (min, max);
            }
            else if (rangeText.IndexOf('-', StringComparison.Ordinal) is var dash and > 0)
            {
                if (!TryNumber(rangeText[..dash], out from) || !TryNumber(rangeText[(dash + 1)..], out to))
                {
                    error = $"{name}: '{part}' is not a range.";
                    return false;
                }
            }
            else if (TryNumber(rangeText, out from))
            {
                // "5/15" means from 5 to the end in steps of 15.
                to = slash >= 0 ? max : from;
            }
            else
            {
                error = $"{name}: '{part}' is not a number, range or '*'.";
                return false;
            }

            if (from < min || to > max || from > to)
            {
                error = $"{name}: '{part}' is outside {min}-{max}.";
                return false;
            }

            for (var v = from; v <= to; v += step)
            {
                set |= 1UL << v;
            }
        }

        error = null;
        return true;
    }

    private static bool TryNumber(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
