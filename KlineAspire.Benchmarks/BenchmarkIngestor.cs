using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace KlineAspire.Benchmarks;

/// <summary>
/// The real ingestor application (<see cref="IngestorApplication.BuildAsync"/>, as <c>Program</c> composes it) with a
/// generated stream universe. Its Binance endpoint is a closed loopback port: connections fail and back off for
/// minutes, so the benchmarks feed the store themselves through the same <see cref="KlineFrameProcessor"/>.
/// </summary>
internal sealed class BenchmarkIngestor : IAsyncDisposable
{
    private BenchmarkIngestor(WebApplication app)
    {
        App = app;
        Processor = app.Services.GetRequiredService<KlineFrameProcessor>();
        Store = app.Services.GetRequiredService<KlineStore>();
        // Resolving the provider starts the OpenTelemetry listener, so the lag histogram records as in production.
        MeterProvider = app.Services.GetRequiredService<MeterProvider>();
        // No connection ever subscribes here; declare every feed up so the gauges export what the benchmarks store.
        foreach (var assignment in app.Services.GetRequiredService<StreamCatalog>().Assignments)
        {
            assignment.Coverage.MarkCovered();
        }
    }

    public WebApplication App { get; }

    public KlineFrameProcessor Processor { get; }

    public KlineStore Store { get; }

    public MeterProvider MeterProvider { get; }

    public Uri? BaseAddress { get; private set; }

    public static async Task<BenchmarkIngestor> BuildAsync(StreamUniverse universe)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--Binance:Endpoint=ws://127.0.0.1:9",
            // A closed port for REST too: the literal symbols start unchecked at once, without a lookup of api.binance.com.
            "--Binance:RestEndpoint=http://127.0.0.1:9",
            "--Binance:ReconnectBaseDelay=00:01:00",
            "--Binance:ReconnectMaxDelay=00:10:00",
            "--Binance:ConnectTimeout=00:00:01",
            // Benchmarks run for minutes after the store is filled; the prices must not go stale under them.
            "--Binance:StaleAfter=1.00:00:00",
            // The frames are stamped at fixed instants in the past; plausibility is not what is measured.
            "--Binance:ClockTolerance=3650.00:00:00",
            .. universe.IngestorArgs(),
        ];
        var app = await IngestorApplication.BuildAsync(args, builder =>
        {
            builder.Logging.ClearProviders();
            // Every GET must render the whole exposition: turn off the exporter's 300 ms response cache.
            builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
        });
        return new BenchmarkIngestor(app);
    }

    public async Task StartAsync()
    {
        await App.StartAsync();
        var address = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async ValueTask DisposeAsync()
    {
        if (BaseAddress is not null)
        {
            await App.StopAsync();
        }

        await App.DisposeAsync();
    }
}
