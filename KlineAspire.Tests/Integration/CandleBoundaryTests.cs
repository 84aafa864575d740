using System.Globalization;
using System.Net;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Exporter;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// At a candle's edges, as Binance behaves there: its last trades come only in its final update (<c>x:true</c>), a
/// moment after the close. Scraped every 100 ms across the boundary, <c>/metrics</c> never names a closed candle (by
/// <c>kline_closed_open_time_seconds</c>) with values other than its final ones, which the simulator's REST klines
/// hold; a reset before the final update makes the candle missed and it never appears; and no forming candle is
/// invented while the feed is lost. The ingestor and the simulator share a fake clock, so the boundary is crossed in
/// seconds and each message is exchanged while the clock stands still.
/// </summary>
public class CandleBoundaryTests
{
    private const string Symbol = "BTCUSDT";
    private const string Interval = "1m";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan FinalAfterClose = TimeSpan.FromSeconds(1.5);
    private static readonly DateTimeOffset Minute0 = DateTimeOffset.Parse("2026-11-29T10:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task No_scrape_shows_a_closed_candle_with_values_other_than_its_final_ones_and_a_reset_before_the_final_update_makes_it_missed()
    {
        await using var edge = await Boundary.StartAsync(Minute0 + TimeSpan.FromSeconds(50));
        var (simulator, ingestor, scrapes) = (edge.Simulator, edge.Ingestor, edge.Scrapes);

        // The 10:00 candle: pushed at 10:00:50 and 10:00:58; one more trade comes before the close and reaches the
        // client only in the final update, 1.5 s after the close.
        var minute0 = edge.Candle(Minute0, 1);
        await edge.PublishAsync(minute0);
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(58));
        var lastPush0 = edge.Stamped(minute0 with { Close = minute0.Close + 0.01m, BaseVolume = minute0.BaseVolume + 1, Trades = minute0.Trades + 1 });
        await edge.PublishAsync(lastPush0);
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromMinutes(1) + FinalAfterClose);
        Assert.DoesNotContain(scrapes, m => m.Kline("kline_closed_open_time_seconds", Symbol, Interval) is not null);
        await edge.PublishAsync(edge.Final(lastPush0));

        // The 10:01 candle: the connection is reset after the close, before the final update, which then goes out to nobody.
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(62));
        var minute1 = edge.Candle(Minute0 + TimeSpan.FromMinutes(1), 2);
        await edge.PublishAsync(minute1);
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(119));
        var lastPush1 = edge.Stamped(minute1 with { Close = minute1.Close - 0.01m, Trades = minute1.Trades + 4 });
        await edge.PublishAsync(lastPush1);
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(120.5));
        var missedBefore = (await ingestor.ScrapeAsync()).Value("kline_ingestor_missed_candles_total");
        simulator.Faults.RefuseHandshakesWith = 503;
        simulator.AbortAllConnections();
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromMinutes(2) + FinalAfterClose);
        await simulator.PublishAsync(edge.Final(lastPush1));
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(130));
        await edge.ReconnectAsync();
        var minute2 = edge.Candle(Minute0 + TimeSpan.FromMinutes(2), 3);
        await edge.PublishAsync(minute2);
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(135));

        // Every closed candle any scrape named carried its final values, as REST has them.
        using var rest = SimulatorHttp.Client(simulator);
        var reply = await rest.GetRestAsync($"/api/v3/klines?symbol={Symbol}&interval={Interval}&startTime={Minute0.ToUnixTimeMilliseconds()}&limit=3");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var finals = reply.Json.EnumerateArray().ToDictionary(row => row[0].GetInt64() / 1000.0, row => row);
        var named = scrapes.Where(m => m.Kline("kline_closed_open_time_seconds", Symbol, Interval) is not null).ToList();
        Assert.Contains(named, m => m.Kline("kline_closed_open_time_seconds", Symbol, Interval) == Minute0.ToUnixTimeSeconds());
        foreach (var metrics in named)
        {
            var row = finals[metrics.Kline("kline_closed_open_time_seconds", Symbol, Interval)!.Value];
            Assert.Equal(Number(row[4]), metrics.Kline("kline_closed_close_price", Symbol, Interval));
            Assert.Equal(Number(row[5]), metrics.Kline("kline_closed_base_volume", Symbol, Interval));
            Assert.Equal((double)row[8].GetInt64(), metrics.Kline("kline_closed_trades", Symbol, Interval));
            Assert.Equal(Number(row[2]), metrics.Kline("kline_closed_high_price", Symbol, Interval));
        }

        // The 10:01 candle lost its final update: counted missed once, and never shown.
        Assert.DoesNotContain(named,
            m => m.Kline("kline_closed_open_time_seconds", Symbol, Interval) == (Minute0 + TimeSpan.FromMinutes(1)).ToUnixTimeSeconds());
        var after = scrapes[^1];
        Assert.Equal(missedBefore + 1, after.Value("kline_ingestor_missed_candles_total"));
        MetricsAssert.HasNoClosedCandle(after, Symbol, Interval);
    }

    [Fact]
    public async Task During_an_outage_across_a_boundary_no_forming_candle_of_the_new_interval_appears()
    {
        await using var edge = await Boundary.StartAsync(Minute0 + TimeSpan.FromSeconds(50));
        var simulator = edge.Simulator;
        var minute0 = edge.Candle(Minute0, 1);
        await edge.PublishAsync(minute0);

        // Lost at 10:00:55, back after 10:01:10: the exchange may have traded in the 10:01 minute meanwhile.
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(55));
        simulator.Faults.RefuseHandshakesWith = 503;
        simulator.AbortAllConnections();
        var during = new List<MetricsText>();
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(70), during);
        await edge.ReconnectAsync();
        await edge.AdvanceScrapingAsync(Minute0 + TimeSpan.FromSeconds(72), during);

        // The forming candle stays the last one received (its open time says which), its values unchanged.
        Assert.All(during, m => Assert.Equal((double)Minute0.ToUnixTimeSeconds(), m.Kline("kline_open_time_seconds", Symbol, Interval)));
        Assert.All(during, m => Assert.Equal(Candles.AsDouble(minute0.Close), m.Kline("kline_close_price", Symbol, Interval)));
        Assert.All(during, m => Assert.Equal(Candles.AsDouble(minute0.BaseVolume), m.Kline("kline_base_volume", Symbol, Interval)));

        // The first update after the outage moves it on.
        var minute1 = edge.Candle(Minute0 + TimeSpan.FromMinutes(1), 2);
        await edge.PublishAsync(minute1);
        MetricsAssert.ShowsCandle(await edge.Ingestor.ScrapeAsync(), minute1);
    }

    /// <summary>
    /// A simulator and an ingestor on one fake clock, one stream, its scrapes. Each message is exchanged while the clock
    /// stands still; the clock moves a step at a time with a scrape after every step.
    /// </summary>
    private sealed class Boundary : IAsyncDisposable
    {
        private Boundary(FakeTimeProvider time, BinanceSimulator simulator, RunningIngestor ingestor)
        {
            Time = time;
            Simulator = simulator;
            Ingestor = ingestor;
        }

        public FakeTimeProvider Time { get; }

        public BinanceSimulator Simulator { get; }

        public RunningIngestor Ingestor { get; }

        public List<MetricsText> Scrapes { get; } = [];

        public static async Task<Boundary> StartAsync(DateTimeOffset now)
        {
            var time = new FakeTimeProvider(now);
            var simulator = await BinanceSimulator.StartAsync(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, time, TestContext.Current.CancellationToken);
            RunningIngestor? ingestor = null;
            try
            {
                ingestor = await RunningIngestor.StartAsync(simulator.WebSocketBaseUri, [Symbol], [Interval], configure: builder =>
                {
                    builder.Services.AddSingleton<TimeProvider>(time);
                    // Every scrape must be a collection at the clock's current instant, not the exporter's cached response.
                    builder.Services.Configure<PrometheusAspNetCoreOptions>(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
                });
                await simulator.WaitForSubscribedStreamsAsync(1, Timeout);
                return new Boundary(time, simulator, ingestor);
            }
            catch
            {
                if (ingestor is not null)
                {
                    await ingestor.DisposeAsync();
                }

                await simulator.DisposeAsync();
                throw;
            }
        }

        public KlineCandle Stamped(KlineCandle candle) => SharedClockSteps.Stamped(candle, Time);

        public KlineCandle Candle(DateTimeOffset openTime, int sequence) =>
            Stamped(Candles.Make(Symbol, Interval, sequence, openTime: openTime.ToUnixTimeMilliseconds()));

        /// <summary>The candle's final update, now: one more trade, made after its last push, moved its close and volume.</summary>
        public KlineCandle Final(KlineCandle lastPush) => Stamped(lastPush with
        {
            Close = lastPush.Close + 0.02m,
            High = Math.Max(lastPush.High, lastPush.Close + 0.02m),
            BaseVolume = lastPush.BaseVolume + 0.5m,
            Trades = lastPush.Trades + 1,
            LastTradeId = lastPush.LastTradeId + 1,
            IsClosed = true,
        });

        /// <summary>Sends an update and keeps the clock still until the ingestor has it.</summary>
        public async Task PublishAsync(KlineCandle candle)
        {
            await Simulator.PublishAsync(candle);
            await Ingestor.WaitForMetricsAsync(m => m.Kline("kline_last_update_timestamp_seconds", Symbol, Interval) == candle.EventTime / 1000.0,
                "the update arrives");
        }

        /// <summary>Moves the clock to <paramref name="target"/> a step at a time, scraping after every step (into <see cref="Scrapes"/> unless told).</summary>
        public async Task AdvanceScrapingAsync(DateTimeOffset target, List<MetricsText>? into = null)
        {
            while (Time.GetUtcNow() < target)
            {
                await SharedClockSteps.StepTowardAsync(Time, target, Step, Settle, TestContext.Current.CancellationToken);
                (into ?? Scrapes).Add(await Ingestor.ScrapeAsync());
            }
        }

        /// <summary>Lets the server answer again, runs the clock through the backoff, and stands still while the replacement subscribes.</summary>
        public async Task ReconnectAsync()
        {
            var subscribed = (await Ingestor.ScrapeAsync()).Sum("kline_ingestor_connection_attempts_total", ("result", "success"));
            Simulator.Faults.Clear();
            var attempts = Simulator.ConnectionAttempts;
            var reachedBy = Time.GetUtcNow() + TimeSpan.FromSeconds(10);
            while (Simulator.ConnectionAttempts == attempts)
            {
                Assert.True(Time.GetUtcNow() < reachedBy, "the replacement connection reaches the server after its backoff");
                Time.Advance(Step);
                await Task.Delay(Settle * 2, TestContext.Current.CancellationToken);
            }

            await Ingestor.WaitForMetricsAsync(m => m.Sum("kline_ingestor_connection_attempts_total", ("result", "success")) > subscribed,
                "the replacement connection subscribes");
        }

        public async ValueTask DisposeAsync()
        {
            await Ingestor.DisposeAsync();
            await Simulator.DisposeAsync();
        }
    }

    private static double Number(System.Text.Json.JsonElement text) => double.Parse(text.GetString()!, CultureInfo.InvariantCulture);
}
