namespace KlineAspire.Simulator;

/// <summary>Publishes a random-walk update for every subscribed kline stream each <see cref="SimulatorOptions.UpdatePeriod"/>.</summary>
internal sealed class RandomWalkFeed(SimulatorOptions options, FeedGate gate, SimulatorConnections connections, KlinePublisher publisher, TimeProvider time, ILogger<RandomWalkFeed> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.UpdatePeriod;
        if (period <= TimeSpan.Zero)
        {
            return;
        }

        var walk = new RandomWalk(options.Seed);
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await gate.RunTickAsync(() =>
                    publisher.PublishBatchAsync(walk.Step(connections.SubscribedStreams, time.GetUtcNow().ToUnixTimeMilliseconds())));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The random-walk feed failed to publish; retrying next period");
            }
        }
    }
}
