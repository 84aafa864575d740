using KlineAspire.Simulator;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>Holds a measurement back until the ingestor under test has connected and subscribed everything.</summary>
internal static class SimulatorReadiness
{
    public static async Task WaitForAsync(BinanceSimulator simulator, int streams, int connections, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (simulator.SubscribedStreams.Count < streams || simulator.OpenConnections < connections)
        {
            // Throws when the deadline passes: a harness that never gets ready must fail, not measure.
            await Task.Delay(20, deadline.Token);
        }
    }
}
