using System.Diagnostics;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Aspire starts the ingestor with <c>OTEL_METRICS_EXEMPLAR_FILTER=trace_based</c>; the ingestor keeps exemplars off
/// regardless (an exemplar reservoir per gauge series costs hundreds of MiB at scale), unless <c>Telemetry:Exemplars</c>
/// turns them on. Seen as Prometheus sees it: an OpenMetrics scrape of the lag histogram after a lag recorded inside a
/// sampled trace.
/// </summary>
public class ExemplarTests
{
    private static readonly Dictionary<string, string> AsUnderTheAppHost = new()
    {
        ["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based",
        ["OTEL_TRACES_SAMPLER"] = "always_on"
    };

    [Fact]
    public async Task Under_the_apphosts_exemplar_filter_a_lag_recorded_in_a_sampled_trace_carries_no_exemplar()
    {
        var buckets = await LagBucketsAfterSampledTraceAsync(AsUnderTheAppHost);

        Assert.Contains(buckets, line => line.StartsWith("kline_ingestor_lag_seconds_bucket{le=\"0.5\"} 1", StringComparison.Ordinal));
        Assert.DoesNotContain(buckets, line => line.Contains("trace_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Telemetry_Exemplars_turns_trace_based_exemplars_on()
    {
        var buckets = await LagBucketsAfterSampledTraceAsync(new(AsUnderTheAppHost) { ["Telemetry:Exemplars"] = "true" });

        Assert.Contains(buckets,
            line => line.StartsWith("kline_ingestor_lag_seconds_bucket{le=\"0.5\"} 1 # {", StringComparison.Ordinal)
                && line.Contains("trace_id", StringComparison.Ordinal));
    }

    private static async Task<string[]> LagBucketsAfterSampledTraceAsync(Dictionary<string, string> settings)
    {
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero },
            TestContext.Current.CancellationToken);
        // No stream ever gets data, so the lag histogram holds only the measurement below.
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"], settings,
            builder => builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        using var source = new ActivitySource(nameof(ExemplarTests));
        using var listener = new ActivityListener
        {
            ShouldListenTo = candidate => ReferenceEquals(candidate, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        using (var activity = source.StartActivity("lag in a sampled trace"))
        {
            Assert.True(activity is { Recorded: true });
            ingestor.App.Services.GetRequiredService<IngestorMetrics>().RecordLag(0.3);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0");
        using var response = await ingestor.Http.SendAsync(request, TestContext.Current.CancellationToken);
        var exposition = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return [.. exposition.Split('\n').Where(line => line.StartsWith("kline_ingestor_lag_seconds_bucket", StringComparison.Ordinal))];
    }
}
