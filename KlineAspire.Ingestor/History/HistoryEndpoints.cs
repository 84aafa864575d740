using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// <c>GET /history</c>, the candles' history as OpenMetrics with timestamps for <c>promtool tsdb create-blocks-from
/// openmetrics</c>, and <c>POST /history/imports</c>, where the importer reports how an import went (docs/history.md).
/// </summary>
public static class HistoryEndpoints
{
    /// <summary>Says whether every stream's history is in (<c>complete</c>) or not yet (<c>partial</c>).</summary>
    public const string StateHeader = "X-Kline-History";

    /// <summary>The number of the latest change the answer holds: the next import asks for what came <c>after</c> it.</summary>
    public const string ChangeHeader = "X-Kline-History-Change";

    /// <summary>This run of the ingestor (<see cref="HistoryBook.Run"/>): a change tells an importer the ingestor restarted.</summary>
    public const string RunHeader = "X-Kline-Ingestor-Run";

    public static IEndpointRouteBuilder MapKlineHistory(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/history", WriteHistoryAsync);
        endpoints.MapPost("/history/imports", ReportImport);
        return endpoints;
    }

    /// <summary>
    /// <c>?after=</c> (the <see cref="ChangeHeader"/> of the previous answer) and <c>?until=</c> (Unix seconds) ask for a
    /// later import into a running Prometheus (<see cref="HistoryQuery"/>); <c>?retention=</c> (a Prometheus duration,
    /// e.g. <c>7d</c>) is the importing Prometheus' retention, beyond which nothing is served (nor beyond
    /// <c>Binance:HistoryRetention</c>); <c>?job=</c> and <c>?instance=</c> add the labels Prometheus' scrape of the ingestor
    /// adds, so that imported and scraped samples are one series.
    /// </summary>
    private static async Task WriteHistoryAsync(HttpContext context, HistoryBook book, KlineStore store, IOptions<BinanceOptions> options, TimeProvider time,
        long? after, double? until, string? retention, string? job, string? instance)
    {
        var binance = options.Value;
        var kept = binance.HistoryRetention;
        if (retention is not null)
        {
            if (!PrometheusDuration.TryParse(retention, out var prometheusRetention))
            {
                await Results.BadRequest($"retention must be a Prometheus duration such as 15d or 1d12h; got '{retention}'.").ExecuteAsync(context);
                return;
            }

            kept = prometheusRetention < kept ? prometheusRetention : kept;
        }

        var targetLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(job))
        {
            targetLabels["job"] = job;
        }

        if (!string.IsNullOrEmpty(instance))
        {
            targetLabels["instance"] = instance;
        }

        // One snapshot before the body: a stream that completes while it is written is in the next answer, not half in this one.
        var (all, complete, change) = book.Snapshot();
        var now = time.GetUtcNow();
        var streams = HistoryQuery.From(after, until).Select(all, store, now.ToUnixTimeMilliseconds(), (long)binance.StaleAfter.TotalMilliseconds);
        context.Response.ContentType = OpenMetricsHistory.ContentType;
        context.Response.Headers[StateHeader] = complete ? "complete" : "partial";
        context.Response.Headers[ChangeHeader] = change.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers[RunHeader] = book.Run;
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await OpenMetricsHistory.WriteAsync(writer, streams, binance.Series, (now - kept).ToUnixTimeMilliseconds(), targetLabels,
            context.RequestAborted);
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// The importer runs beside Prometheus, where nothing counts its failures: it reports each import here, and
    /// <c>kline_ingestor_history_imports_total{result}</c> counts them.
    /// </summary>
    private static IResult ReportImport(HistoryMetrics metrics, string? result)
    {
        if (result is null || !HistoryMetrics.ImportResults.Contains(result))
        {
            return Results.BadRequest($"result must be one of {string.Join(", ", HistoryMetrics.ImportResults)}; got '{result}'.");
        }

        metrics.Import(result);
        return Results.NoContent();
    }
}
