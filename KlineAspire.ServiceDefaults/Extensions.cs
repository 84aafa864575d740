using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire service defaults: OpenTelemetry, health checks, service discovery and resilience.
/// Shaped like the Aspire template so every service of the solution starts the same way.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string MetricsEndpointPath = "/metrics";

    /// <summary>Tag on health checks that only say whether the process is responsive.</summary>
    public const string LiveTag = "live";

    /// <summary>Setting that turns trace-based exemplars on; they are off otherwise, whatever <c>OTEL_METRICS_EXEMPLAR_FILTER</c> says.</summary>
    public const string ExemplarsSetting = "Telemetry:Exemplars";

    /// <param name="builder">The application.</param>
    /// <param name="exportMetricsOverOtlp">
    /// False when the service sends its metrics over OTLP from a meter provider of its own (the ingestor, whose bulk
    /// market data must stay out of OTLP); logs and traces still go.
    /// </param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, bool exportMetricsOverOtlp = true) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry(exportMetricsOverOtlp);
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder, bool exportMetricsOverOtlp = true) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddDefaultMeters().SetExemplarFilter(builder.Configuration))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(options =>
                    // Every scrape and probe would otherwise become a trace in the dashboard.
                    options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        builder.AddOpenTelemetryExporters(exportMetricsOverOtlp);
        return builder;
    }

    /// <summary>The runtime, ASP.NET Core and HttpClient metrics every service exports.</summary>
    public static MeterProviderBuilder AddDefaultMeters(this MeterProviderBuilder metrics) => metrics
        .AddAspNetCoreInstrumentation()
        .AddHttpClientInstrumentation()
        .AddRuntimeInstrumentation()
        .RenameCountGaugesForPrometheus();

    /// <summary>
    /// Exemplars off unless <see cref="ExemplarsSetting"/> is true, then trace-based. Aspire starts every project with
    /// <c>OTEL_METRICS_EXEMPLAR_FILTER=trace_based</c>, and OpenTelemetry then keeps an exemplar reservoir for every
    /// series of every meter provider that sets no filter in code: for the ingestor's hundreds of thousands of gauge
    /// series that is hundreds of MiB, for exemplars nobody reads on a price.
    /// </summary>
    public static MeterProviderBuilder SetExemplarFilter(this MeterProviderBuilder metrics, IConfiguration configuration) =>
        metrics.SetExemplarFilter(configuration.GetValue<bool>(ExemplarsSetting) ? ExemplarFilterType.TraceBased : ExemplarFilterType.AlwaysOff);

    /// <summary>True when an OTLP receiver is configured (the AppHost sets it to the dashboard's).</summary>
    public static bool HasOtlpEndpoint(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// Three runtime gauges end in <c>_count</c>, a suffix Prometheus reserves for histograms and summaries, so
    /// <c>promtool check metrics</c> rejects the exposition. They get names that say the same without it.
    /// </summary>
    private static MeterProviderBuilder RenameCountGaugesForPrometheus(this MeterProviderBuilder metrics) => metrics
        .AddView("dotnet.assembly.count", "dotnet.assemblies.loaded")
        .AddView("dotnet.process.cpu.count", "dotnet.process.cpus")
        .AddView("dotnet.timer.count", "dotnet.timers.active");

    public static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath)
        || path.StartsWithSegments(MetricsEndpointPath);

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder, bool exportMetrics) where TBuilder : IHostApplicationBuilder
    {
        if (!builder.Configuration.HasOtlpEndpoint())
        {
            return builder;
        }

        if (exportMetrics)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        else
        {
            builder.Services.AddOpenTelemetry()
                .WithLogging(logging => logging.AddOtlpExporter())
                .WithTracing(tracing => tracing.AddOtlpExporter());
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check: is the service doing its job) and <c>/alive</c> (live-tagged checks only).
    /// They are mapped in every environment because orchestrators probe them; they reveal only check names and states.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        });
        return app;
    }
}
