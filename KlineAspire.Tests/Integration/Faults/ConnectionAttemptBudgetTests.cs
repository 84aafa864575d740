using System.Diagnostics.Metrics;
using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Faults;

/// <summary>
/// Binance allows 300 connection attempts per 5 minutes per IP. The whole ingestor (FeedService, its supervisors,
/// real WebSocket handshakes) runs against a simulator that refuses every handshake for ten minutes. Both share one
/// <see cref="FakeTimeProvider"/>, so ten minutes pass in seconds and the simulator's own budget, which refuses (and
/// counts) any attempt beyond 300 in a sliding 5-minute window exactly as Binance would, is the judge.
/// </summary>
public class ConnectionAttemptBudgetTests
{
    // Distinctive, so that the handshake deadline timer tells when an attempt has started.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(7.25);

    private const int Connections = 20;

    [Fact]
    public async Task Refusing_every_connection_for_ten_minutes_never_exceeds_300_attempts_per_five_minutes()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var time = new AttemptCountingTimeProvider(ConnectTimeout + TimeSpan.FromSeconds(1));

        // The simulator on the fake clock: its ConnectionAttemptBudget is Binance's rule, evaluated at arrival.
        var simulatorBuilder = WebApplication.CreateSlimBuilder();
        simulatorBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        simulatorBuilder.Logging.ClearProviders();
        simulatorBuilder.Services.AddSingleton<TimeProvider>(time);
        simulatorBuilder.Services.AddBinanceSimulator(new SimulatorOptions { UpdatePeriod = TimeSpan.Zero });
        await using var simulatorApp = simulatorBuilder.Build();
        simulatorApp.UseWebSockets();
        simulatorApp.MapBinanceSimulator();
        await simulatorApp.StartAsync(cancellation);
        var simulator = simulatorApp.Services.GetRequiredService<BinanceSimulator>();
        simulator.Faults.RefuseHandshakesWith = 503;

        // Twenty connections retrying within a second each would spend the budget in 15 s if nothing held them back.
        var symbols = Enumerable.Range(0, Connections).Select(i => $"R{i:D2}USDT");
        await using var ingestor = await IngestorApplication.BuildAsync(
        [
            "--urls", "http://127.0.0.1:0",
            $"--Binance:Endpoint={simulator.WebSocketBaseUri}",
            $"--Binance:Symbols={string.Join(',', symbols)}",
            "--Binance:MaxStreamsPerConnection=1",
            $"--Binance:ConnectTimeout={ConnectTimeout}",
            "--Binance:ReconnectBaseDelay=00:00:00.100",
            "--Binance:ReconnectMaxDelay=00:00:01",
        ], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<TimeProvider>(time);
        }, cancellation);

        // Attempts the ingestor has finished (handshake answered). With the attempts started (the connection's
        // handshake deadline timer), the clock only moves when no attempt is between its grant and its answer,
        // so each one reaches the server at the fake instant it was granted.
        long finished = 0;
        var meterFactory = ingestor.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this ingestor's meter: tests running in parallel have their own instruments of the same name.
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == IngestorTelemetry.MeterName
                && instrument.Name == "kline.ingestor.connection_attempts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref finished, value));
        listener.Start();

        await ingestor.StartAsync(cancellation);
        // The first attempts need no clock: wait for all of them (cold code paths are slow) before time moves.
        await Eventually.MatchAsync(() => Task.FromResult(Interlocked.Read(ref finished)), f => f == Connections, TimeSpan.FromSeconds(20),
            "every connection made its first attempt");
        var window = BinanceLimits.ConnectionAttemptWindow;
        var step = TimeSpan.FromSeconds(1);
        var start = time.GetUtcNow();
        var perStep = new List<(TimeSpan At, int Attempts)>();
        var seen = 0;
        while (time.GetUtcNow() - start < TimeSpan.FromMinutes(10))
        {
            await SettleAsync(simulator, time, () => Interlocked.Read(ref finished), cancellation);
            var attempts = simulator.ConnectionAttempts;
            perStep.Add((time.GetUtcNow() - start, attempts - seen));
            seen = attempts;
            time.Advance(step);
        }

        await SettleAsync(simulator, time, () => Interlocked.Read(ref finished), cancellation);
        perStep.Add((time.GetUtcNow() - start, simulator.ConnectionAttempts - seen));
        await ingestor.StopAsync(CancellationToken.None);
        TestContext.Current.TestOutputHelper?.WriteLine("attempts per fake second (second:attempts): " +
            string.Join(" ", perStep.Where(s => s.Attempts > 0).Select(s => $"{s.At.TotalSeconds}:{s.Attempts}")));

        // Binance's view: not one handshake beyond 300 in any 5-minute window.
        Assert.Equal(0, simulator.RefusedConnectionAttempts);
        // The test's own view, over every sliding window starting at a step.
        var worst = perStep.Max(s => perStep.Where(o => o.At >= s.At && o.At < s.At + window).Sum(o => o.Attempts));
        Assert.Equal(BinanceLimits.MaxConnectionAttemptsPerWindow, worst);
        // The budget was the binding limit, not the backoff: exactly two budgets' worth in ten minutes, each spent
        // within seconds of the window opening, then nothing until the oldest attempts leave the window.
        Assert.Equal(2 * BinanceLimits.MaxConnectionAttemptsPerWindow, perStep.Where(s => s.At < TimeSpan.FromMinutes(10)).Sum(s => s.Attempts));
        Assert.Equal(BinanceLimits.MaxConnectionAttemptsPerWindow, perStep.Where(s => s.At < TimeSpan.FromSeconds(60)).Sum(s => s.Attempts));
        Assert.Equal(0, perStep.Where(s => s.At >= TimeSpan.FromSeconds(60) && s.At < window).Sum(s => s.Attempts));
        Assert.True(simulator.ConnectionAttempts > 2 * BinanceLimits.MaxConnectionAttemptsPerWindow, "attempts resume as the third window opens");
    }

    /// <summary>Waits until every attempt the server received has been answered and no new one starts.</summary>
    private static async Task SettleAsync(BinanceSimulator simulator, AttemptCountingTimeProvider time, Func<long> finished, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var quiet = 0;
        var last = -1;
        while (quiet < 3)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"the ingestor settles after each step of the fake clock (started {time.AttemptsStarted}, server saw {simulator.ConnectionAttempts}, finished "
                + $"{finished()})");
            await Task.Delay(2, cancellation);
            var attempts = simulator.ConnectionAttempts;
            quiet = attempts == last && time.AttemptsStarted == attempts && finished() == attempts ? quiet + 1 : 0;
            last = attempts;
        }
    }

    /// <summary>A fake clock that counts the handshake deadline timers <see cref="Ingestor.Connections.BinanceConnection"/> creates, one per attempt.</summary>
    private sealed class AttemptCountingTimeProvider(TimeSpan handshakeDeadline) : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        private int _attemptsStarted;

        public int AttemptsStarted => Volatile.Read(ref _attemptsStarted);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == handshakeDeadline)
            {
                Interlocked.Increment(ref _attemptsStarted);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
