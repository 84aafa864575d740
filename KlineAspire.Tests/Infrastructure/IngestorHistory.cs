using System.Globalization;
using System.Net;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>The history a <see cref="RunningIngestor"/> reads from a simulator's REST klines and serves at <c>GET /history</c>.</summary>
public static class IngestorHistory
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Ingestor settings that read the last <paramref name="candles"/> closed candles of every stream from the simulator.</summary>
    public static Dictionary<string, string> Settings(BinanceSimulator simulator, int candles) => new()
    {
        ["Binance:RestEndpoint"] = simulator.HttpBaseUri.ToString(),
        ["Binance:HistoryCandles"] = candles.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// <c>GET /history</c>: the <c>X-Kline-History</c> state, the content type, the exposition, the ingestor's run
    /// (<c>X-Kline-Ingestor-Run</c>) and the latest change the answer holds (<c>X-Kline-History-Change</c>).
    /// </summary>
    public static async Task<(string State, string ContentType, string Body, string Run, long Change)> GetAsync(RunningIngestor ingestor, string query = "")
    {
        using var response = await ingestor.Http.GetAsync("/history" + query, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.GetValues("X-Kline-History").Single(), response.Content.Headers.ContentType!.ToString(),
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers.GetValues("X-Kline-Ingestor-Run").Single(),
            long.Parse(response.Headers.GetValues("X-Kline-History-Change").Single(), CultureInfo.InvariantCulture));
    }

    /// <summary>Polls <c>GET /history</c> until every stream's history is in.</summary>
    public static Task<(string State, string ContentType, string Body, string Run, long Change)> CompleteAsync(RunningIngestor ingestor) =>
        Eventually.MatchAsync(() => GetAsync(ingestor), history => history.State == "complete", Timeout, "every stream's history is in");
}
