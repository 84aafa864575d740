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
        app.MapDefaultEndpoints();
        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}
