using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// Soak mode, off by default: <c>KLINE_SOAK_MINUTES=30 dotnet test --project KlineAspire.Tests -- --filter-class '*Soak*'</c>.
/// The ingestor takes the simulator's random-walk feed at a steady high rate over several connections while a fault
/// is injected every few seconds; process memory, handles and connections are sampled throughout and must stay flat
/// and within limits, and every stream must end on the last value the server sent. See docs/reliability.md.
/// </summary>
public class SoakTests
{
    public const string MinutesVariable = "KLINE_SOAK_MINUTES";

    private const int Symbols = 600;
    private static readonly string[] Intervals = ["1m", "1s"];
    private const int StreamsPerConnection = 300;
    private const int Connections = Symbols * 2 / StreamsPerConnection;
    private static readonly TimeSpan UpdatePeriod = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FaultEvery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(2);

    private sealed record Sample(TimeSpan At, long WorkingSet, long GcHeap, long LiveHeap, int Handles, int Threads, int IngestorConnections,
        int ServerConnections, long Messages);

    [Fact]
    public async Task Steady_high_rate_with_periodic_faults_keeps_memory_handles_and_connections_flat()
    {
        var configured = Environment.GetEnvironmentVariable(MinutesVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            Assert.Skip($"Soak mode is off; set {MinutesVariable} (e.g. 30) to run it.");
        }

        var duration = TimeSpan.FromMinutes(double.Parse(configured, CultureInfo.InvariantCulture));
        var cancellation = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;

        // The soak measures this process's memory for the ingestor's sake: keep the simulator's REST candle history, which
        // grows until full (1,000 candles per stream), out of it.
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = UpdatePeriod, KlineHistoryLength = 0 },
            cancellation);
        var symbols = Enumerable.Range(0, Symbols).Select(i => $"SOAK{i:D3}USDT").ToArray();
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, Intervals, new Dictionary<string, string>
        {
            ["Binance:MaxStreamsPerConnection"] = StreamsPerConnection.ToString(CultureInfo.InvariantCulture),
            ["Binance:NoDataTimeout"] = "00:00:05",
            // Keep the in-memory log collector small: the soak measures the ingestor, not the test's log buffer.
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var ingestorMetrics = ingestor.App.Services.GetRequiredService<IngestorMetrics>();
        var streams = Symbols * Intervals.Length;
        await simulator.WaitForSubscribedStreamsAsync(streams, TimeSpan.FromSeconds(60));

        var faults = new (string Name, Func<Task> Inject)[]
        {
            ("tcp reset", () => { simulator.AbortAllConnections(); return Task.CompletedTask; }),
            ("serverShutdown", simulator.SendServerShutdownAsync),
            ("1008 close", () => simulator.CloseAllAsync(WebSocketCloseStatus.PolicyViolation, "Too many requests")),
            ("garbage", async () =>
            {
                await simulator.SendTextToAllAsync("this is not json");
                await simulator.SendTextToAllAsync($$"""{"e":"padding","E":1,"pad":"{{new string('x', 1_200_000)}}"}""");
                await simulator.SendBytesToAllAsync([1, 2, 3], WebSocketMessageType.Binary);
            }),
            ("invalid utf-8", () => simulator.SendBytesToAllAsync([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], WebSocketMessageType.Text)),
        };

        var samples = new List<Sample>();
        var injected = new Dictionary<string, int>();
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();
        var nextFault = FaultEvery;
        var faultIndex = 0;
        while (clock.Elapsed < duration)
        {
            await Task.Delay(SampleEvery, cancellation);
            if (clock.Elapsed >= nextFault)
            {
                var (name, inject) = faults[faultIndex++ % faults.Length];
                await inject();
                injected[name] = injected.GetValueOrDefault(name) + 1;
                nextFault += FaultEvery;
            }

            // Scrape like Prometheus would, so the exporter is part of what is measured.
            _ = await ingestor.ScrapeRawAsync();
            process.Refresh();
            samples.Add(new Sample(
                clock.Elapsed,
                process.WorkingSet64,
                GC.GetGCMemoryInfo().HeapSizeBytes,
                // Live objects after a full collection: what a leak would grow.
                GC.GetTotalMemory(forceFullCollection: true),
                Directory.GetFileSystemEntries("/proc/self/fd").Length,
                process.Threads.Count,
                ingestorMetrics.OpenConnections,
                simulator.OpenConnections,
                ingestorMetrics.MessagesReceived));
        }

        // Let the last fault heal, then freeze the feed: every stream must end on exactly what the server last sent.
        await simulator.WaitForSubscribedStreamsAsync(streams, TimeSpan.FromSeconds(60));
        await Eventually.MatchAsync(() => Task.FromResult(simulator.OpenConnections), open => open == Connections, TimeSpan.FromSeconds(30),
            "the server sees the planned connections only");
        await Task.Delay(UpdatePeriod * 8, cancellation);
        await simulator.PauseFeedAsync();
        var lastSent = simulator.LastSent.Values.ToList();
        Assert.Equal(streams, lastSent.Count);
        var final = await ingestor.WaitForMetricsAsync(m => lastSent.All(c => MetricsAssert.HasClose(m, c)), "every stream shows the last value sent",
            TimeSpan.FromSeconds(30));
        foreach (var candle in lastSent)
        {
            MetricsAssert.ShowsCandle(final, candle);
        }

        var report = Report(duration, samples, injected, final, simulator);
        output?.WriteLine(report);
        var directory = Path.Combine(AppContext.BaseDirectory, "soak-results");
        Directory.CreateDirectory(directory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(Path.Combine(directory, $"soak-{stamp}.txt"), report, cancellation);
        await File.WriteAllLinesAsync(Path.Combine(directory, $"soak-{stamp}.csv"),
            samples.Select(s => string.Join(',', s.At.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), s.WorkingSet, s.GcHeap, s.LiveHeap, s.Handles,
                s.Threads, s.IngestorConnections, s.ServerConnections, s.Messages))
                .Prepend("seconds,working_set_bytes,gc_heap_bytes,live_heap_after_full_gc_bytes,fds,threads,"
                    + "ingestor_connections,server_connections,messages_received"),
            cancellation);

        Assert.True(samples.Count >= 8, "enough samples to compare quarters");
        var second = Quarter(samples, 1);
        var last = Quarter(samples, 3);
        const long Slack = 16 * 1024 * 1024;
        Assert.True(Median(last, s => s.WorkingSet) <= Median(second, s => s.WorkingSet) * 1.15 + Slack, "working set is flat\n" + report);
        Assert.True(Median(last, s => s.LiveHeap) <= Median(second, s => s.LiveHeap) * 1.15 + Slack, "live heap is flat\n" + report);
        Assert.True(last.Max(s => s.Handles) <= second.Max(s => s.Handles) + 16, "no file descriptor growth\n" + report);
        Assert.All(samples, s => Assert.InRange(s.IngestorConnections, 0, 2 * Connections));
        Assert.All(samples, s => Assert.InRange(s.ServerConnections, 0, 2 * Connections));
        Assert.InRange(simulator.PeakOpenConnections, Connections, 2 * Connections);
        Assert.Equal(0, simulator.RefusedConnectionAttempts);
        Assert.Equal(0, simulator.RateLimitViolations);
        Assert.Equal(0, simulator.StreamLimitViolations);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync("/alive")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ingestor.HealthAsync()).Status);
    }

    private static List<Sample> Quarter(List<Sample> samples, int index)
    {
        var size = samples.Count / 4;
        return samples.Skip(index * size).Take(index == 3 ? samples.Count - 3 * size : size).ToList();
    }

    private static double Median(List<Sample> samples, Func<Sample, long> value)
    {
        var sorted = samples.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    private static string Report(TimeSpan duration, List<Sample> samples, Dictionary<string, int> injected, MetricsText final, BinanceSimulator simulator)
    {
        static string MiB(double bytes) => (bytes / 1024 / 1024).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
        var text = new StringBuilder();
        var seconds = samples[^1].At.TotalSeconds - samples[0].At.TotalSeconds;
        var rate = (samples[^1].Messages - samples[0].Messages) / Math.Max(1, seconds);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"soak: {duration.TotalMinutes:F1} min, {Symbols * Intervals.Length} streams on {Connections} connections, feed every "
            + $"{UpdatePeriod.TotalMilliseconds} ms, a fault every {FaultEvery.TotalSeconds} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"messages received: {samples[^1].Messages} ({rate:F0}/s average)");
        text.AppendLine("faults injected: " + string.Join(", ", injected.Select(f => $"{f.Key} x{f.Value}")));
        text.AppendLine("reconnects by reason: "
            + string.Join(", ", final.All("kline_ingestor_reconnects_total").Select(s => $"{s.Labels["reason"]}={s.Value}")));
        text.AppendLine("invalid frames by reason: "
            + string.Join(", ", final.All("kline_ingestor_invalid_frames_total").Select(s => $"{s.Labels["reason"]}={s.Value}")));
        text.AppendLine(CultureInfo.InvariantCulture,
            $"server: {simulator.ConnectionAttempts} connection attempts, {simulator.RefusedConnectionAttempts} refused, peak {simulator.PeakOpenConnections} "
            + $"open, {simulator.RateLimitViolations} rate-limit violations");
        for (var quarter = 0; quarter < 4; quarter++)
        {
            var q = Quarter(samples, quarter);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Q{quarter + 1}: working set median {MiB(Median(q, s => s.WorkingSet))} (max {MiB(q.Max(s => s.WorkingSet))}), GC heap median "
                    + $"{MiB(Median(q, s => s.GcHeap))}, live heap after full GC median {MiB(Median(q, s => s.LiveHeap))}, fds "
                    + $"{q.Min(s => s.Handles)}-{q.Max(s => s.Handles)}, threads {q.Min(s => s.Threads)}-{q.Max(s => s.Threads)}, ingestor connections "
                    + $"{q.Min(s => s.IngestorConnections)}-{q.Max(s => s.IngestorConnections)}");
        }

        return text.ToString();
    }
}
