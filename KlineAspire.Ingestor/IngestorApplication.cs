using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.History;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor;

/// <summary>Composes the ingestor web application; shared by <c>Program</c> and the tests so both run the same thing.</summary>
public static class IngestorApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        // The ingestor sends metrics over OTLP itself (OtlpMetricsExport), without the bulk market data.
        builder.AddServiceDefaults(exportMetricsOverOtlp: false);
        builder.AddKlineIngestor();

        var app = builder.Build();
        // exchangeInfo is read, and literal symbols checked, here rather than in the host's start validation, which logs a
        // stack trace before Program can report the invalid symbol in one line.
        _ = app.Services.GetRequiredService<IOptions<StartupListing>>().Value;
        app.MapDefaultEndpoints();
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/history", WriteHistoryAsync);
        return app;
    }

    /// <summary>
    /// The REST history fetched so far as OpenMetrics with timestamps, for <c>promtool tsdb create-blocks-from openmetrics</c>
    /// (docs/history.md). <c>X-Kline-History</c> says whether every stream's history is in (<c>complete</c>) or not yet
    /// (<c>partial</c>); <c>?since=</c> (Unix seconds) leaves out older samples, for an import of what arrived later;
    /// <c>?job=</c> and <c>?instance=</c> add the labels Prometheus' scrape of the ingestor adds, so that imported and
    /// scraped samples are one series.
    /// </summary>
    private static async Task WriteHistoryAsync(HttpContext context, HistoryBook book, IOptions<BinanceOptions> options, TimeProvider time, double? since, string? job, string? instance)
    {
        var targetLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(job))
        {
            targetLabels["job"] = job;
        }

        if (!string.IsNullOrEmpty(instance))
        {
            targetLabels["instance"] = instance;
        }

        // Read before the body: a stream that completes while it is written is in the next answer, not half in this one.
        var complete = book.IsComplete;
        var streams = book.Streams;
        var binance = options.Value;
        var retentionStart = (time.GetUtcNow() - binance.HistoryRetention).ToUnixTimeMilliseconds();
        var notBefore = since is { } seconds && double.IsFinite(seconds) ? Math.Max(retentionStart, (long)Math.Ceiling(seconds * 1000)) : retentionStart;
        context.Response.ContentType = OpenMetricsHistory.ContentType;
        context.Response.Headers["X-Kline-History"] = complete ? "complete" : "partial";
        await using var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false), 64 * 1024);
        await OpenMetricsHistory.WriteAsync(writer, streams, binance.Series, notBefore, targetLabels, context.RequestAborted);
        await writer.FlushAsync(context.RequestAborted);
    }
}
