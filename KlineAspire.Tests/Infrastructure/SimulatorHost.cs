using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Starts an in-process simulator with the feed off (unless a test asks for it) and test-friendly limits.</summary>
public static class SimulatorHost
{
    /// <summary>
    /// With <paramref name="time"/> (a fake clock) the simulator's own clock stands still until the test moves it:
    /// per-connection message rates then count every message ever, so such tests send only a few.
    /// </summary>
    public static Task<BinanceSimulator> StartAsync(Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var options = new SimulatorOptions { UpdatePeriod = TimeSpan.Zero };
        configure?.Invoke(options);
        return BinanceSimulator.StartAsync(options, time ?? TimeProvider.System, TestContext.Current.CancellationToken);
    }

    /// <summary>Polls a condition every 20 ms, failing after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? RawWebSocketClient.Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
