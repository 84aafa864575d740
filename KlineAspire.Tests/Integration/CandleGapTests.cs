using KlineAspire.Ingestor.Candles;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// A connection dropped across a candle boundary: the candle whose final update never came is counted in
/// <c>kline_ingestor_missed_candles_total</c> and not published as closed; the next candle that closes is.
/// </summary>
public class CandleGapTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_candle_whose_feed_was_lost_across_its_boundary_is_counted_missed_and_left_out_of_the_closed_series()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, cancellation);
        await using var ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, ["BTCUSDT"], ["1m"]);
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        // The update and the loss must fall in one minute: skip the end of this one if it is near.
        var calendar = KlineCalendar.Parse("1m");
        if (NextBoundary(calendar) - DateTimeOffset.UtcNow < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(NextBoundary(calendar) - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200), cancellation);
        }

        var lastSeen = Candles.Make("BTCUSDT", "1m", 1);
        await simulator.PublishAsync(lastSeen);
        await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, lastSeen), "the candle's update arrives");

        // The feed is lost before the minute ends and comes back after it: the candle's last updates, and its x:true, are gone.
        simulator.Faults.RefuseHandshakesWith = 503;
        simulator.AbortAllConnections();
        await Task.Delay(NextBoundary(calendar) - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1), cancellation);
        simulator.Faults.Clear();
        await simulator.WaitForSubscribedStreamsAsync(1, Timeout);

        var next = Candles.Make("BTCUSDT", "1m", 2);
        Assert.True(next.OpenTime > lastSeen.OpenTime);
        await simulator.PublishAsync(next);
        var metrics = await ingestor.WaitForMetricsAsync(m => MetricsAssert.HasClose(m, next), "the next candle arrives after the reconnect");
        MetricsAssert.ShowsCandle(metrics, next);
        MetricsAssert.HasNoClosedCandle(metrics, "BTCUSDT", "1m");
        Assert.Equal(1, metrics.Value("kline_ingestor_missed_candles_total"));
        Assert.Equal(1, metrics.Kline("kline_candles_closed_total", "BTCUSDT", "1m"));

        // The next candle closes on a covered feed: it is published, and the miss stays counted.
        var closed = next with { EventTime = next.EventTime + 1, IsClosed = true };
        await simulator.PublishAsync(closed);
        metrics = await ingestor.WaitForMetricsAsync(m => m.Kline("kline_closed_close_price", "BTCUSDT", "1m") is not null, "the closed candle is published");
        MetricsAssert.ShowsClosedCandle(metrics, closed);
        Assert.Equal(1, metrics.Value("kline_ingestor_missed_candles_total"));
    }

    private static DateTimeOffset NextBoundary(KlineCalendar calendar) =>
        DateTimeOffset.FromUnixTimeMilliseconds(calendar.NextOpenTime(calendar.OpenTimeAt(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
}
