using System.Globalization;
using Microsoft.Extensions.Logging.Testing;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// One back-off of a connection supervisor, as the ingestor logged it: the connection that failed (<c>c{index}.{generation}</c>),
/// the delay it chose, when it said so, and when the supervisor's next connection first logged anything.
/// </summary>
public sealed record LoggedBackoff(int ConnectionIndex, int Generation, TimeSpan Delay, DateTimeOffset LoggedAt, DateTimeOffset? NextConnectionLoggedAt)
{
    public override string ToString() =>
        $"c{ConnectionIndex}.{Generation}: {Delay.TotalMilliseconds:F0} ms"
            + $"{(NextConnectionLoggedAt is { } next ? $", next connection after {(next - LoggedAt).TotalMilliseconds:F0} ms" : "")}";
}

/// <summary>
/// The reconnect delays the ingestor chose, read from its log (every failure is logged with the delay before the next
/// attempt), and the check that they follow the equal-jitter exponential schedule and are really waited out.
/// </summary>
public static class ReconnectBackoffLog
{
    /// <summary>Timer and clock granularity between the supervisor's delay and two log timestamps.</summary>
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(20);

    /// <summary>Every logged back-off, in the order logged.</summary>
    public static IReadOnlyList<LoggedBackoff> Read(FakeLogCollector logs)
    {
        var records = logs.GetSnapshot()
            .Select(record => (Record: record, Connection: ConnectionOf(record)))
            .Where(entry => entry.Connection is not null)
            .ToList();
        return records
            .Where(entry => entry.Record.GetStructuredStateValue("Delay") is not null)
            .Select(entry =>
            {
                var (index, generation) = entry.Connection!.Value;
                var next = records.FirstOrDefault(other => other.Connection == (index, generation + 1));
                return new LoggedBackoff(index, generation, TimeSpan.Parse(entry.Record.GetStructuredStateValue("Delay")!, CultureInfo.InvariantCulture),
                    entry.Record.Timestamp, next.Record?.Timestamp);
            })
            .ToList();
    }

    /// <summary>
    /// Each supervisor's n-th consecutive back-off lies within [ceiling / 2, ceiling], ceiling = min(max, base × 2^n),
    /// never shrinks while the ceiling doubles (a constant delay fails), and was waited out before the next connection began.
    /// Assumes no connection of the test lived long enough (30 s) to reset the schedule.
    /// </summary>
    public static void AssertEqualJitterExponential(IReadOnlyList<LoggedBackoff> backoffs, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        Assert.NotEmpty(backoffs);
        foreach (var supervisor in backoffs.GroupBy(backoff => backoff.ConnectionIndex))
        {
            var schedule = supervisor.ToList();
            var logged = string.Join("; ", schedule);
            for (var n = 0; n < schedule.Count; n++)
            {
                var ceiling = Ceiling(n, baseDelay, maxDelay);
                var delay = schedule[n].Delay;
                Assert.True(delay >= ceiling / 2 && delay <= ceiling,
                    $"back-off {n} is {delay.TotalMilliseconds} ms, expected {ceiling.TotalMilliseconds / 2}-{ceiling.TotalMilliseconds} ms: {logged}");
                // Where the ceiling doubled, the ranges [c/2, c] and [c, 2c] only touch: the delay cannot shrink. Where the
                // maximum capped it (800 ms, then 1 s), the ranges overlap and either may be the longer.
                if (n > 0 && ceiling >= 2 * Ceiling(n - 1, baseDelay, maxDelay))
                {
                    Assert.True(delay >= schedule[n - 1].Delay, $"back-off {n} did not grow: {logged}");
                }

                if (schedule[n].NextConnectionLoggedAt is { } next)
                {
                    Assert.True(next - schedule[n].LoggedAt >= delay - ClockSlack,
                        $"the connection after back-off {n} began before its delay was over: {logged}");
                }
            }
        }
    }

    private static TimeSpan Ceiling(int failures, TimeSpan baseDelay, TimeSpan maxDelay) =>
        TimeSpan.FromMilliseconds(Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, failures)));

    /// <summary>The connection index and generation of a record's <c>Connection</c> (named <c>c{index}.{generation}</c>), if it has one.</summary>
    private static (int ConnectionIndex, int Generation)? ConnectionOf(FakeLogRecord record) =>
        record.GetStructuredStateValue("Connection") is ['c', .. var name]
            && name.Split('.') is [var index, var generation]
            && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && int.TryParse(generation, NumberStyles.None, CultureInfo.InvariantCulture, out var g)
                ? (s, g)
                : null;
}
