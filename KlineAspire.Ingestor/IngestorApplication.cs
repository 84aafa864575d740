using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.History;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor;

/// <summary>Composes and runs the ingestor web application; shared by <c>Program</c> and the tests so both run the same thing.</summary>
public static class IngestorApplication
{
    /// <summary>
    /// Builds the application and checks, before anything runs, what would stop it at once: the settings, then the
    /// symbols against exchangeInfo (<see cref="StartupSymbolCheck"/>). Both are checked here rather than in the host's
    /// start validation, which logs a stack trace before <c>Program</c> can report the mistake in one line.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting is invalid.</exception>
    /// <exception cref="UnknownSymbolsException">exchangeInfo answered and does not list a literal symbol.</exception>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        // The ingestor sends metrics over OTLP itself (OtlpMetricsExport), without the bulk market data.
        builder.AddServiceDefaults(exportMetricsOverOtlp: false);
        builder.AddKlineIngestor();

        var app = builder.Build();
        try
        {
            // The settings first: no request is sent to an endpoint that is itself a mistake.
            _ = app.Services.GetRequiredService<IOptions<BinanceOptions>>().Value;
            await app.Services.GetRequiredService<StartupSymbolCheck>().RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapDefaultEndpoints();
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/history", WriteHistoryAsync);
        return app;
    }

    /// <summary>Runs the application until it stops.</summary>
    /// <exception cref="UnknownSymbolsException">
    /// exchangeInfo answered only after the start and does not list a literal symbol: the startup error, found late.
    /// </exception>
    public static async Task RunAsync(WebApplication app)
    {
        // Taken before the run: the host disposes its services when it stops.
        var lateRejection = app.Services.GetRequiredService<SymbolRefreshService>().LateRejection;
        await app.RunAsync().ConfigureAwait(false);
        // The refresh service completes it before it stops the application, so it is settled once the run is over.
        if (lateRejection.IsCompleted)
        {
            throw await lateRejection.ConfigureAwait(false);
        }
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
