namespace KlineAspire.Simulator;

/// <summary>Publishes a random-walk update for every subscribed kline stream each <see cref="SimulatorOptions.UpdatePeriod"/>.</summary>
internal sealed class RandomWalkFeed(
    SimulatorOptions options,
    FeedGate gate,
    SimulatorConnections connections,
    KlinePublisher publisher,
    QuietStreams quiet,
    TimeProvider time,
    ILogger<RandomWalkFeed> logger) : BackgroundService
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
                await gate.RunTickAsync(async () =>
                {
                    var (moving, unchanged) = NextUpdates(walk);
                    await publisher.PublishBatchAsync(moving);
                    await publisher.OfferQuietAsync(unchanged);
                });
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The random-walk feed failed to publish; retrying next period");
            }
        }
    }

    private (List<KlineCandle> Moving, List<KlineCandle> Unchanged) NextUpdates(RandomWalk walk)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var moving = new List<string>();
        var unchanged = new List<KlineCandle>();
        foreach (var stream in connections.SubscribedStreams)
        {
            // A quiet market does not move once it has a price; its last candle is offered again only so that a new
            // subscriber gets its one update (the publisher lets one through per subscription).
            if (quiet.IsQuiet(stream) && publisher.LastSent.TryGetValue(stream, out var last))
            {
                unchanged.Add(last with { EventTime = now });
            }
            else
            {
                moving.Add(stream);
            }
        }

        return (walk.Step(moving, now), unchanged);
    }
}
