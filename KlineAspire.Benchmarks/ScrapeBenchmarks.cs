using System.Globalization;
using BenchmarkDotNet.Attributes;
using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Benchmarks;

/// <summary>
/// One whole Prometheus scrape: <c>GET /metrics</c> over loopback HTTP against the running ingestor application whose
/// store holds a candle for every stream. This covers the observable-gauge callbacks walking the store, the
/// OpenTelemetry collect and the exporter's text rendering, Kestrel, and reading the body (into a reused buffer).
/// The exporter's response cache is off, so every request renders afresh. One operation is one scrape.
/// </summary>
[MemoryDiagnoser]
public class ScrapeBenchmarks
{
    // Price, volume and trade gauges, open time, last update and closed candles: one series per stream each.
    private static readonly string[] PerStreamMetrics =
    [
        "kline_open_price", "kline_high_price", "kline_low_price", "kline_close_price",
        "kline_base_volume", "kline_quote_volume", "kline_taker_buy_base_volume", "kline_taker_buy_quote_volume",
        "kline_trades", "kline_open_time_seconds", "kline_last_update_timestamp_seconds", "kline_candles_closed_total",
    ];

    private readonly byte[] _buffer = new byte[1 << 20];
    private BenchmarkIngestor _ingestor = null!;
    private HttpClient _http = null!;

    [Params(100, 10_000, 50_000)]
    public int Streams { get; set; }

    /// <summary>Size of the last verified response, for the report.</summary>
    public static long LastResponseBytes { get; private set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    public async Task SetupAsync()
    {
        var universe = StreamUniverse.Of(Streams);
        _ingestor = await BenchmarkIngestor.BuildAsync(universe);
        await _ingestor.StartAsync();
        _http = new HttpClient { BaseAddress = _ingestor.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var openTime = now - now % 60_000;
        var expected = new Dictionary<string, double>(universe.Count, StringComparer.Ordinal);
        var frame = default(ParsedFrame);
        var index = 0;
        foreach (var (symbol, interval) in universe.Streams())
        {
            var values = KlineValues.For(symbol, interval, index, round: 0, now, openTime, isClosed: index % 2 == 0);
            var bytes = KlineFrames.Utf8(values, combined: true);
            if (_ingestor.Processor.Process(bytes, ref frame) != FrameKind.Kline)
            {
                throw new InvalidOperationException($"Frame for {symbol} {interval} was not applied: {frame.Reason}.");
            }

            expected[$"{symbol}|{interval}"] = frame.Close;
            index++;
        }

        var body = await _http.GetStringAsync("/metrics");
        LastResponseBytes = System.Text.Encoding.UTF8.GetByteCount(body);
        Verify(body, expected);
        Console.WriteLine($"// /metrics with {universe.Count} streams: {LastResponseBytes:N0} bytes, {body.Count(c => c == '\n'):N0} lines; "
            + "every stream present, no overflow.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _ingestor.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "GET /metrics")]
    public async Task<long> Scrape()
    {
        using var response = await _http.GetAsync("/metrics", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(_buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>Every per-stream metric has exactly one series per stream, close prices are exact, and nothing overflowed.</summary>
    internal static void Verify(string body, IReadOnlyDictionary<string, double> expectedClose)
    {
        if (body.Contains("otel_metric_overflow", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The exposition has an otel_metric_overflow series.");
        }

        var counts = PerStreamMetrics.ToDictionary(name => name, _ => 0, StringComparer.Ordinal);
        var closes = 0;
        foreach (var line in body.AsSpan().EnumerateLines())
        {
            var brace = line.IndexOf('{');
            if (brace <= 0 || line[0] == '#')
            {
                continue;
            }

            var name = line[..brace].ToString();
            if (!counts.TryGetValue(name, out var count))
            {
                continue;
            }

            counts[name] = count + 1;
            if (name == "kline_close_price")
            {
                var symbol = Label(line, "symbol");
                var interval = Label(line, "interval");
                var value = line[(line.LastIndexOf('}') + 2)..];
                var space = value.IndexOf(' ');
                var parsed = double.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
                if (!expectedClose.TryGetValue($"{symbol}|{interval}", out var close) || close != parsed)
                {
                    throw new InvalidOperationException($"Wrong close price line: {line}");
                }

                closes++;
            }
        }

        foreach (var (name, count) in counts)
        {
            if (count != expectedClose.Count)
            {
                throw new InvalidOperationException($"{name} has {count} series, expected {expectedClose.Count}.");
            }
        }

        if (closes != expectedClose.Count)
        {
            throw new InvalidOperationException($"{closes} close prices checked, expected {expectedClose.Count}.");
        }
    }

    private static string Label(ReadOnlySpan<char> line, string label)
    {
        var key = $"{label}=\"";
        var start = line.IndexOf(key, StringComparison.Ordinal) + key.Length;
        var end = line[start..].IndexOf('"');
        return line.Slice(start, end).ToString();
    }
}
