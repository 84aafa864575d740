using Microsoft.Extensions.Options;

namespace KlineAspire.Simulator;

/// <summary>Publishes a random-walk update for every subscribed kline stream each <see cref="SimulatorOptions.UpdatePeriod"/>.</summary>
internal sealed class RandomWalkFeed(BinanceSimulator simulator, IOptions<SimulatorOptions> options, ILogger<RandomWalkFeed> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = options.Value.UpdatePeriod;
        if (period <= TimeSpan.Zero)
        {
            return;
        }

        var walk = new RandomWalk(options.Value.Seed);
        using var timer = new PeriodicTimer(period, simulator.Time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await simulator.RunFeedTickAsync(() =>
                    simulator.PublishBatchAsync(walk.Step(simulator.SubscribedStreams, simulator.Time.GetUtcNow().ToUnixTimeMilliseconds())));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The random-walk feed failed to publish; retrying next period");
            }
        }
    }
}
