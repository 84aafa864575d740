using System.Diagnostics;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Pacing;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// Reads every stream's last <c>Binance:HistoryCandles</c> closed candles from REST, in the background after startup,
/// into the <see cref="HistoryBook"/> that <c>/history</c> serves. It never holds up the feed or a scrape: it waits only
/// for the shared <see cref="Subscriptions.RestWeightBudget"/>. A failed stream is tried again with back-off, up to
/// <see cref="MaxAttempts"/> times; a 429 or 418 makes the budget wait and costs no attempt; a symbol REST does not know
/// is skipped with a warning. Streams that listings add later get their history on the next look, every
/// <see cref="LookInterval"/>. Each stream's newest candle also seeds the store (<see cref="StreamSlot.SeedClosed"/>), so
/// the live closed-candle gauges show it at once.
/// </summary>
public sealed partial class HistoryFetchService(
    IOptions<BinanceOptions> options,
    KlineStore store,
    KlinesClient client,
    HistoryBook book,
    HistoryMetrics metrics,
    TimeProvider time,
    ILogger<HistoryFetchService> logger) : BackgroundService
{
    public const int MaxAttempts = 5;

    /// <summary>How often it looks for streams that listings added: their history (and the seed of their closed candle) comes soon after.</summary>
    private static readonly TimeSpan LookInterval = TimeSpan.FromSeconds(2);

    private static readonly long GraceMs = (long)ClosedCandleTracker.FinalUpdateGrace.TotalMilliseconds;

    private readonly Dictionary<string, (int Attempts, DateTimeOffset NotBefore, JitteredBackoff Backoff)> _retries = new(StringComparer.Ordinal);

    // A REST outage is one story: its first failed request is a Warning with the cause, the retries and the streams given
    // up are Information, and the completion line says how many streams went without history (a Warning if any did).
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var candles = options.Value.HistoryCandles;
        if (candles <= 0)
        {
            book.Track([]);
            return;
        }

        // Off the host's start path: the first request goes out once startup has finished.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var added = book.Track(store.Slots.Select(slot => slot.Id));
            if (added > 0 || book.PendingStreams.Count > 0)
            {
                await FetchPendingAsync(candles, stoppingToken).ConfigureAwait(false);
            }

            await Task.Delay(LookInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task FetchPendingAsync(int candles, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var lastProgress = time.GetUtcNow();
        while (book.PendingStreams is { Count: > 0 } pending)
        {
            var now = time.GetUtcNow();
            var due = pending.Where(stream => !_retries.TryGetValue(stream.Key, out var retry) || retry.NotBefore <= now).ToList();
            if (due.Count == 0)
            {
                var next = pending.Min(stream => _retries[stream.Key].NotBefore);
                await Task.Delay(next - now, time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            foreach (var stream in due)
            {
                await FetchAsync(stream, candles, cancellationToken).ConfigureAwait(false);
                if (time.GetUtcNow() - lastProgress >= TimeSpan.FromSeconds(30))
                {
                    lastProgress = time.GetUtcNow();
                    LogProgress(logger, book.Count(HistoryState.Done), book.Count(HistoryState.Pending), book.Count(HistoryState.Failed), book.Count(HistoryState.Skipped));
                }
            }
        }

        LogComplete(logger, book.Count(HistoryState.Failed) > 0 ? LogLevel.Warning : LogLevel.Information, book.Count(HistoryState.Done), book.Count(HistoryState.Failed), book.Count(HistoryState.Skipped), book.Candles, watch.Elapsed.TotalSeconds);
    }

    private async Task FetchAsync(StreamId stream, int candles, CancellationToken cancellationToken)
    {
        var calendar = KlineCalendar.Parse(stream.Interval);
        if (calendar.IsUtc8)
        {
            book.Update(stream, history => history.GivenUp(HistoryState.Skipped));
            return;
        }

        // The newest candle taken is one whose final update is certainly out (FinalUpdateGrace after its end), so REST's
        // values are final. A candle that ended in the last seconds is waited for, not left to the live feed: a feed
        // subscribed after its end never gets its final update, and the candle would fall between history and feed.
        var asOf = await SettledAsync(calendar, cancellationToken).ConfigureAwait(false);
        var lastOpen = calendar.PreviousOpenTime(calendar.OpenTimeAt(asOf - GraceMs));
        try
        {
            var rows = await client.GetAsync(stream, lastOpen, candles, cancellationToken).ConfigureAwait(false);
            var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds();
            var closed = rows.Where(c => c.OpenTime <= lastOpen && calendar.NextOpenTime(c.OpenTime) <= cutoff - GraceMs).ToList();
            book.Update(stream, history => history.Done(closed, cutoff));
            metrics.Request("success");
            _failing = false;
            _retries.Remove(stream.Key);
            if (closed.Count > 0)
            {
                store.Find(stream)?.SeedClosed(closed[^1]);
            }
        }
        catch (KlinesUnavailableException exception) when (exception.UnknownSymbol)
        {
            metrics.Request("unknown_symbol");
            book.Update(stream, history => history.GivenUp(HistoryState.Skipped));
            LogUnknownSymbol(logger, stream.Name, exception.Message);
        }
        catch (KlinesUnavailableException exception)
        {
            metrics.Request(exception.RateLimited ? "rate_limited" : "failure");
            var retry = _retries.TryGetValue(stream.Key, out var known) ? known : (Attempts: 0, NotBefore: DateTimeOffset.MinValue, Backoff: new JitteredBackoff(options.Value.RestRetryBaseDelay, options.Value.RestRetryMaxDelay, Random.Shared));
            // The budget already waits out a 429 or 418; the request was refused, not failed.
            var attempts = exception.RateLimited ? retry.Attempts : retry.Attempts + 1;
            if (attempts >= MaxAttempts)
            {
                book.Update(stream, history => history.GivenUp(HistoryState.Failed));
                _retries.Remove(stream.Key);
                LogGaveUp(logger, stream.Name, attempts, exception.Message);
                return;
            }

            var delay = exception.RateLimited ? TimeSpan.Zero : retry.Backoff.Next();
            _retries[stream.Key] = (attempts, time.GetUtcNow() + delay, retry.Backoff);
            LogRetry(logger, _failing ? LogLevel.Information : LogLevel.Warning, stream.Name, exception.Message, delay.TotalSeconds);
            _failing = true;
        }
    }

    /// <summary>
    /// Now (Unix ms), once the stream's last ended candle is <see cref="ClosedCandleTracker.FinalUpdateGrace"/> old: at
    /// most that long a wait, once per interval boundary for a whole selection. Intervals shorter than the grace (1s)
    /// always have a candle that recent, and take their chance with the feed.
    /// </summary>
    private async Task<long> SettledAsync(KlineCalendar calendar, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var lastEnd = calendar.OpenTimeAt(now);
        if (calendar.NextOpenTime(lastEnd) - lastEnd <= GraceMs || now >= lastEnd + GraceMs)
        {
            return now;
        }

        await Task.Delay(TimeSpan.FromMilliseconds(lastEnd + GraceMs - now), time, cancellationToken).ConfigureAwait(false);
        return time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "History: {Done} streams done, {Pending} pending, {Failed} failed, {Skipped} skipped")]
    private static partial void LogProgress(ILogger logger, int done, int pending, int failed, int skipped);

    [LoggerMessage(Message = "History complete: {Done} streams done, {Failed} failed, {Skipped} skipped; {Candles} closed candles served at /history (fetched in {Seconds:F1} s)")]
    private static partial void LogComplete(ILogger logger, LogLevel level, int done, int failed, int skipped, long candles, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History of {Stream} skipped: REST does not know its symbol ({Reason})")]
    private static partial void LogUnknownSymbol(ILogger logger, string stream, string reason);

    [LoggerMessage(Message = "History of {Stream} failed ({Reason}); trying again in {Seconds:F1} s")]
    private static partial void LogRetry(ILogger logger, LogLevel level, string stream, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "History of {Stream} given up after {Attempts} failed requests ({Reason}); /history goes without it")]
    private static partial void LogGaveUp(ILogger logger, string stream, int attempts, string reason);
}
