using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Waiting, in tests, for clients to reach the simulator: connections opened and streams subscribed.</summary>
public static class SimulatorWaits
{
    public static Task WaitForSubscribedStreamsAsync(this BinanceSimulator simulator, int count, TimeSpan timeout) =>
        SimulatorHost.WaitUntilAsync(() => simulator.SubscribedStreams.Count >= count, $"{count} streams are subscribed", timeout);

    public static Task WaitForConnectionsAsync(this BinanceSimulator simulator, int count, TimeSpan timeout) =>
        SimulatorHost.WaitUntilAsync(() => simulator.OpenConnections >= count, $"{count} connections are open", timeout);
}
