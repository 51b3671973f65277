namespace CoCreation.Sdk;

/// <summary>
/// The local-time arithmetic of delivery preferences: a person's time zone, their quiet hours and the daily digest
/// windows, all computed in that zone and answered in UTC.
/// </summary>
/// <remarks>
/// A local time that does not exist (skipped when the clocks go forward) is moved forward to the first minute that does;
/// a local time that exists twice (when the clocks go back) is taken at its first occurrence.
/// </remarks>
internal static class DeliveryClock
{
    /// <summary>The person's time zone; <see langword="null"/> is UTC. Null when the id is not known here.</summary>
    public static TimeZoneInfo? FindZone(string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="now"/> falls in the quiet hours, and if so when they end (UTC). No quiet hours are set
    /// unless both ends are and they differ; an end before the start wraps over midnight.
    /// </summary>
    public static bool IsQuiet(DeliveryPreferences preferences, TimeZoneInfo zone, DateTimeOffset now, out DateTimeOffset quietEnd)
    {
        quietEnd = default;
        if (preferences.QuietFrom is not { } from || preferences.QuietUntil is not { } until || from == until)
        {
            return false;
        }

        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        var date = DateOnly.FromDateTime(local);
        DateOnly endDate;
        if (from < until)
        {
            if (time < from || time >= until)
            {
                return false;
            }

            endDate = date;
        }
        else if (time >= from)
        {
            endDate = date.AddDays(1);
        }
        else if (time < until)
        {
            endDate = date;
        }
        else
        {
            return false;
        }

        quietEnd = ToUtc(endDate.ToDateTime(until), zone);

        // Around a change of the clocks the end may come out at or before now: then the quiet hours are over.
        return quietEnd > now;
    }

    /// <summary>The end of the digest window <paramref name="at"/> falls in: the first local digest time after it.</summary>
    public static DateTimeOffset WindowEndAfter(DateTimeOffset at, TimeOnly digestTime, TimeZoneInfo zone)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        for (var day = date.AddDays(-1); ; day = day.AddDays(1))
        {
            var end = ToUtc(day.ToDateTime(digestTime), zone);
            if (end > at)
            {
                return end;
            }
        }
    }

    /// <summary>The end of the latest digest window that is over at <paramref name="now"/>: the last local digest time at or before it.</summary>
    public static DateTimeOffset LatestWindowEnd(DateTimeOffset now, TimeOnly digestTime, TimeZoneInfo zone)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        for (var day = date.AddDays(1); ; day = day.AddDays(-1))
        {
            var end = ToUtc(day.ToDateTime(digestTime), zone);
            if (end <= now)
            {
                return end;
            }
        }
    }

    /// <summary>The start of the digest window that ends at <paramref name="windowEnd"/>: the local digest time a day earlier.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset windowEnd, TimeOnly digestTime, TimeZoneInfo zone)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(windowEnd, zone).DateTime);
        return ToUtc(date.AddDays(-1).ToDateTime(digestTime), zone);
    }

    /// <summary>A local wall-clock time in <paramref name="zone"/> as a UTC instant.</summary>
    public static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);

        // Skipped when the clocks went forward: the first minute after the gap.
        for (var i = 0; i < 24 * 60 && zone.IsInvalidTime(local); i++)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
