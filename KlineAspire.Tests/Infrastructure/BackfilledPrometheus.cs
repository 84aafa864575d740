using System.Text.Json;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A Prometheus that holds nothing but the history of a first start: a simulator, an ingestor that reads its streams'
/// past from the simulator's REST klines and serves it at <c>/history</c>, imported with <c>promtool</c>. For checking
/// what graphs show left of the start against the simulator's candles.
/// </summary>
public sealed class BackfilledPrometheus : IAsyncDisposable
{
    private readonly BinanceSimulator _simulator;
    private readonly ImportedHistory _imported;

    private BackfilledPrometheus(BinanceSimulator simulator, DateTimeOffset beforeStart, ImportedHistory imported)
    {
        _simulator = simulator;
        BeforeStart = beforeStart;
        _imported = imported;
    }

    /// <summary>An instant before the ingestor started: anything Prometheus holds before it came from the history.</summary>
    public DateTimeOffset BeforeStart { get; }

    public PrometheusServer Prometheus => _imported.Prometheus;

    /// <param name="series">The ingestor's <c>Binance:Series</c>: only what the test reads, to keep the import small.</param>
    public static async Task<BackfilledPrometheus> StartAsync(IEnumerable<string> symbols, IEnumerable<string> intervals, int candles, string series)
    {
        ExternalTool.Prometheus.Require();
        ExternalTool.Promtool.Require();
        var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.FromSeconds(1) }, TestContext.Current.CancellationToken);
        try
        {
            var beforeStart = DateTimeOffset.UtcNow;
            var settings = IngestorHistory.Settings(simulator, candles);
            settings["Binance:Series"] = series;
            string history;
            await using (var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, symbols, intervals, settings))
            {
                history = (await IngestorHistory.CompleteAsync(ingestor)).Body;
            }

            return new BackfilledPrometheus(simulator, beforeStart, await ImportedHistory.StartAsync(history, PrometheusServer.StartOnDataAsync));
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>The simulator's REST klines of one stream (its whole past) that had closed before the ingestor started.</summary>
    public async Task<IReadOnlyList<JsonElement>> ClosedBeforeStartAsync(string symbol, string interval)
    {
        using var rest = SimulatorHttp.Client(_simulator);
        var reply = await rest.GetRestAsync($"/api/v3/klines?symbol={symbol}&interval={interval}&limit=1000");
        return [.. reply.Json.EnumerateArray().Where(row => row[6].GetInt64() < BeforeStart.ToUnixTimeMilliseconds())];
    }

    public async ValueTask DisposeAsync()
    {
        await _imported.DisposeAsync();
        await _simulator.DisposeAsync();
    }
}
