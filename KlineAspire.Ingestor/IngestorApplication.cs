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
        return app;
    }
}
