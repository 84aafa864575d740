using KlineAspire.Ingestor.Configuration;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// How many distinct streams one run may ever hold: the per-stream series limit of every market-data instrument.
/// OpenTelemetry preallocates a metric point per unit of that limit, for each selected series, and with cumulative
/// temporality never frees the point of a stream that left; a stream past the limit would fold into an
/// <c>otel_metric_overflow</c> series showing some other stream's value. So the limit is sized once, at startup, from
/// what is known then, and <see cref="StreamCatalog"/> never goes past it.
/// </summary>
/// <param name="Streams">Distinct streams (symbol × interval) the run may hold.</param>
/// <param name="Basis">How it was sized, for the log.</param>
public sealed record StreamCapacity(int Streams, string Basis)
{
    /// <summary>
    /// With patterns and no listing at startup the selection is unknown: room for this many symbols per interval.
    /// Binance spot lists about 3,000 symbols in all, fewer of them trading.
    /// </summary>
    public const int UnlistedPatternSymbols = 4000;

    /// <summary>The most symbols one run may reserve room for.</summary>
    public const int MaxSymbols = 100_000;

    public static StreamCapacity For(BinanceOptions options, SymbolSelector selector, StreamPlan plan, StartupSelection startup)
    {
        if (!selector.HasPatterns)
        {
            // Literal symbols never change during a run.
            return new StreamCapacity(plan.Streams.Count, "the configured symbols");
        }

        var intervals = options.Intervals.Count;
        if (startup.Selection is { } selection)
        {
            var selected = selection.Symbols.Count;
            return new StreamCapacity(checked((selected + options.ListingHeadroom) * intervals),
                $"{selected} symbols selected at startup + ListingHeadroom {options.ListingHeadroom}, × {intervals} intervals");
        }

        var assumed = Math.Max(selector.Literals.Count, UnlistedPatternSymbols);
        return new StreamCapacity(checked((assumed + options.ListingHeadroom) * intervals),
            $"exchangeInfo unread at startup: {assumed} symbols + ListingHeadroom {options.ListingHeadroom}, × {intervals} intervals");
    }
}
