using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// What one <c>GET /history</c> asks for, and what each stream gets for it. An import never writes a sample where the
/// Prometheus it feeds may already hold a live one, so there are two kinds:
/// <list type="bullet">
/// <item>The first, before Prometheus serves (neither <see cref="AfterChange"/> nor <see cref="UntilUnixMs"/>): every
/// stream's history, continued by the candle the live closed-candle gauges show at the request, up to the request.
/// Prometheus' first scrape follows within seconds, so its look-back never reaches a candle the gauges had already left
/// behind.</item>
/// <item>A later one, into a running Prometheus: only the streams whose history arrived after change
/// <see cref="AfterChange"/> (the last one the previous import got: <see cref="HistoryBook.Snapshot"/>), and only
/// samples before the first import (<see cref="UntilUnixMs"/>), before which that Prometheus scraped nothing. Not even a
/// listing's later candles: Prometheus, restarted on its data, drops every sample of its write-ahead log older than the
/// newest block's end, so a block that reached into the time it had scraped would cost it hours of live samples.</item>
/// </list>
/// </summary>
public sealed record HistoryQuery(long? AfterChange, long? UntilUnixMs)
{
    /// <summary>From the query's change number and Unix seconds (decimals allowed); a value that is not a finite number is left out.</summary>
    public static HistoryQuery From(long? after, double? until) => new(after, until is { } seconds && double.IsFinite(seconds) ? (long)Math.Ceiling(seconds * 1000) : null);

    public IReadOnlyList<ServedHistory> Select(IEnumerable<StreamHistory> streams, KlineStore store, long nowUnixMs, long staleAfterMs)
    {
        var served = new List<ServedHistory>();
        foreach (var history in streams)
        {
            if (history.State != HistoryState.Done || history.Candles.Count == 0 || history.Change <= AfterChange)
            {
                continue;
            }

            if (AfterChange is null && UntilUnixMs is null)
            {
                served.Add(UpToNow(history, store.Find(history.Stream), nowUnixMs, staleAfterMs));
                continue;
            }

            // A later import (after=) that does not say when Prometheus first scraped (until=) gets nothing: any sample
            // may lie where it holds live ones.
            var lastSample = UntilUnixMs is { } until ? until - 1 : long.MinValue;
            served.Add(new ServedHistory(history.Stream, history.Candles, Math.Min(history.CutoffUnixMs, lastSample)));
        }

        return served;
    }

    /// <summary>
    /// The stream's history continued with what its live closed-candle gauges show now: the same candle (seeded, or
    /// closed live with REST's values), or one the feed closed since the cut-off. Where they show none (feed lost, or a
    /// candle missed), the history ends at its cut-off, as it always did.
    /// </summary>
    private static ServedHistory UpToNow(StreamHistory history, StreamSlot? slot, long nowUnixMs, long staleAfterMs)
    {
        var newest = history.Candles[^1];
        if (slot is null)
        {
            return new ServedHistory(history.Stream, history.Candles, history.CutoffUnixMs);
        }

        slot.Read(nowUnixMs, staleAfterMs, out var reading);
        var shown = reading.LastClosed;
        if (!reading.IsLive || !shown.Known || shown.OpenTime < newest.OpenTime)
        {
            return new ServedHistory(history.Stream, history.Candles, history.CutoffUnixMs);
        }

        return shown.OpenTime == newest.OpenTime
            ? new ServedHistory(history.Stream, history.Candles, nowUnixMs)
            : new ServedHistory(history.Stream, [.. history.Candles, shown], nowUnixMs);
    }
}
