using System.Globalization;
using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Exposition;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// Writes the history as an OpenMetrics text exposition with sample timestamps, for
/// <c>promtool tsdb create-blocks-from openmetrics</c>. Names and labels are the live gauges' as <c>/metrics</c> shows them,
/// so backfilled and live samples form one series. Closed candle M (ending at E, the next one ending at E') is written
/// as the live gauges show it: from a second after E (the live gauge switches once M's final update is in) to E', every
/// <see cref="SampleSpacing"/>, so that an instant query's 5-minute look-back finds it anywhere in that interval and the
/// README's queries (at E' through <c>offset -X</c>, or half an interval after E) read M. No sample lies after the
/// stream's last instant (<see cref="ServedHistory.LastSampleUnixMs"/>), where live samples take over. The forming-candle
/// gauges get one sample per candle, at its close time, with its final values: what the live gauges held at that instant.
/// </summary>
public static class OpenMetricsHistory
{
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /// <summary>At most this between two samples of a candle: well inside Prometheus' 5-minute look-back.</summary>
    public static readonly TimeSpan SampleSpacing = TimeSpan.FromSeconds(60);

    /// <summary>After its end, when a candle starts to be shown as the closed one: its final update comes within a second or two.</summary>
    public static readonly TimeSpan ShownAfter = TimeSpan.FromSeconds(1);

    private const int FlushChars = 64 * 1024;

    private delegate double Value(in ClosedCandle candle);

    // The instruments a candle's history is written for, from the one instrument list, so that names and help texts are
    // those of the live gauges; the closed candle's own, then the forming gauges at each close.
    private static readonly (KlineInstrument Instrument, bool Closed, Value Value)[] Written =
    [
        (KlineInstruments.ClosedOpenPrice, true, static (in ClosedCandle c) => c.Open),
        (KlineInstruments.ClosedHighPrice, true, static (in ClosedCandle c) => c.High),
        (KlineInstruments.ClosedLowPrice, true, static (in ClosedCandle c) => c.Low),
        (KlineInstruments.ClosedClosePrice, true, static (in ClosedCandle c) => c.Close),
        (KlineInstruments.ClosedBaseVolume, true, static (in ClosedCandle c) => c.BaseVolume),
        (KlineInstruments.ClosedQuoteVolume, true, static (in ClosedCandle c) => c.QuoteVolume),
        (KlineInstruments.ClosedTrades, true, static (in ClosedCandle c) => c.Trades),
        (KlineInstruments.ClosedOpenTime, true, static (in ClosedCandle c) => c.OpenTime / 1000.0),
        (KlineInstruments.OpenPrice, false, static (in ClosedCandle c) => c.Open),
        (KlineInstruments.HighPrice, false, static (in ClosedCandle c) => c.High),
        (KlineInstruments.LowPrice, false, static (in ClosedCandle c) => c.Low),
        (KlineInstruments.ClosePrice, false, static (in ClosedCandle c) => c.Close),
        (KlineInstruments.BaseVolume, false, static (in ClosedCandle c) => c.BaseVolume),
        (KlineInstruments.QuoteVolume, false, static (in ClosedCandle c) => c.QuoteVolume),
        (KlineInstruments.Trades, false, static (in ClosedCandle c) => c.Trades),
        (KlineInstruments.OpenTime, false, static (in ClosedCandle c) => c.OpenTime / 1000.0),
    ];

    /// <param name="series">The selected series (<c>Binance:Series</c>): the others are left out, as from <c>/metrics</c>.</param>
    /// <param name="notBeforeUnixMs">No sample before this: the retention's start.</param>
    /// <param name="targetLabels">
    /// The labels Prometheus adds to what it scrapes from the ingestor (<c>job</c>, <c>instance</c>), which a scrape would
    /// give the live samples: without the same ones, backfilled samples would be series of their own.
    /// </param>
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<ServedHistory> streams, IEnumerable<string> series, long notBeforeUnixMs,
        IReadOnlyDictionary<string, string> targetLabels, CancellationToken cancellationToken)
    {
        var extra = string.Concat(targetLabels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}=\"{Escape(label.Value)}\","));
        var selected = KlineSeries.InstrumentsFor(series);
        var text = new StringBuilder(FlushChars * 2);
        foreach (var (instrument, closed, value) in Written)
        {
            if (!selected.Contains(instrument.Name))
            {
                continue;
            }

            var name = instrument.PrometheusName;
            var described = false;
            foreach (var stream in streams)
            {
                if (stream.Candles.Count == 0)
                {
                    continue;
                }

                if (!described)
                {
                    // Only families with samples: history off (or none yet) is just "# EOF".
                    text.Append("# TYPE ").Append(name).Append(" gauge\n# HELP ").Append(name).Append(' ').Append(instrument.Description).Append('\n');
                    described = true;
                }

                var calendar = KlineCalendar.Parse(stream.Stream.Interval);
                // Sorted by name, as the exposition's own: interval, instance, job, symbol.
                var labels = $"{{interval=\"{stream.Stream.Interval}\",{extra}symbol=\"{stream.Stream.Symbol}\"}} ";
                foreach (var candle in stream.Candles)
                {
                    if (closed)
                    {
                        AppendClosed(text, name, labels, value(in candle), calendar, candle.OpenTime, stream.LastSampleUnixMs, notBeforeUnixMs);
                    }
                    else if (calendar.CloseTime(candle.OpenTime) is var closeTime && closeTime >= notBeforeUnixMs && closeTime <= stream.LastSampleUnixMs)
                    {
                        Append(text, name, labels, value(in candle), closeTime);
                    }

                    if (text.Length >= FlushChars)
                    {
                        await writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
                        text.Clear();
                    }
                }
            }
        }

        text.Append("# EOF\n");
        await writer.WriteAsync(text, cancellationToken).ConfigureAwait(false);
    }

    private static void AppendClosed(StringBuilder text, string name, string labels, double value, KlineCalendar calendar, long openTime, long last, long notBefore)
    {
        var end = calendar.NextOpenTime(openTime);
        var nextEnd = Math.Min(calendar.NextOpenTime(end), last);
        var spacing = (long)SampleSpacing.TotalMilliseconds;
        var first = Math.Min(end + (long)ShownAfter.TotalMilliseconds, calendar.NextOpenTime(end));
        if (first > nextEnd)
        {
            return;
        }

        // A second after the end, then on whole spacings from the end, then the following candle's end (or the stream's last instant).
        if (first >= notBefore)
        {
            Append(text, name, labels, value, first);
        }

        for (var at = end + spacing; at < nextEnd; at += spacing)
        {
            if (at > first && at >= notBefore)
            {
                Append(text, name, labels, value, at);
            }
        }

        if (nextEnd > first && nextEnd >= notBefore)
        {
            Append(text, name, labels, value, nextEnd);
        }
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static void Append(StringBuilder text, string name, string labels, double value, long unixMs) =>
        text.Append(name).Append(labels).Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
            .Append((unixMs / 1000).ToString(CultureInfo.InvariantCulture)).Append('.').Append((unixMs % 1000).ToString("D3", CultureInfo.InvariantCulture)).Append('\n');
}
