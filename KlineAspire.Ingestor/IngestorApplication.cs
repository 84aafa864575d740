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
        app.MapKlineHistory();
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
}
