using KlineAspire.AppHost;

var builder = DistributedApplication.CreateBuilder(args);
var settings = KlineSettings.From(builder.Configuration);
var market = builder.AddMarketParameters(settings);

// Binance klines → ingestor (OpenTelemetry gauges at /metrics, OTLP to the dashboard)
var ingestor = builder.AddProject<Projects.KlineAspire_Ingestor>("ingestor")
    .WithMarket(market)
    .WithHttpHealthCheck("/health");

// Offline: a Binance-compatible simulator stands in for the exchange (--Feed simulated), listing what the market asks for
if (settings.Feed == KlineFeed.Simulated)
{
    var simulator = builder.AddProject<Projects.KlineAspire_Simulator>("binance-simulator")
        .WithMarketListing(market, settings)
        .WithHttpHealthCheck("/health");
    ingestor.WithSimulatedFeed(simulator);
}

// ingestor ← Prometheus (container, local binary, or none, by what this machine can run), started on the ingestor's
// candle history (/history, imported with promtool before it serves)
var placement = PrometheusPlacement.Choose(
    settings.PrometheusMode,
    builder.ExecutionContext.IsPublishMode,
    () => ContainerRuntimeProbe.IsUsable(builder.Configuration),
    PrometheusExecutable.Find(settings.PrometheusExecutable));
var prometheus = builder.AddKlinePrometheus("prometheus", ingestor, settings, placement)
    .WithHistoryFrom(ingestor);

// Prometheus ← Grafana (local runs with a container runtime)
builder.AddKlineGrafana("grafana", prometheus);

builder.Build().Run();
