namespace KlineAspire.Simulator;

/// <summary>
/// Publishes a random-walk update for every subscribed kline stream each <see cref="SimulatorOptions.UpdatePeriod"/>,
/// and each candle's final update <see cref="SimulatorOptions.FinalUpdateDelay"/> after its close.
/// </summary>
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

        var walk = new RandomWalk(options.Seed, options.FinalUpdateDelay);
        var nextStep = time.GetUtcNow() + period;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Between steps the feed wakes when a candle ends (its late trades are counted then) and when a final
            // update falls due; while paused only the steps matter, as nothing is sent.
            var wake = nextStep;
            if (!gate.Paused && walk.NextDue is { } due && DateTimeOffset.FromUnixTimeMilliseconds(due) < wake)
            {
                wake = DateTimeOffset.FromUnixTimeMilliseconds(due);
            }

            var wait = wake - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }

            var now = time.GetUtcNow();
            var step = now >= nextStep;
            if (step)
            {
                // As a periodic timer does, a step that is late is not made up for.
                nextStep = now - nextStep >= period ? now + period : nextStep + period;
            }

            try
            {
                await gate.RunTickAsync(async () =>
                {
                    var (moving, unchanged) = NextUpdates(walk, now.ToUnixTimeMilliseconds(), step);
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

    private (List<KlineCandle> Moving, List<KlineCandle> Unchanged) NextUpdates(RandomWalk walk, long now, bool step)
    {
        var moving = new List<string>();
        var unchanged = new List<KlineCandle>();
        foreach (var stream in connections.SubscribedStreams)
        {
            // A quiet market does not move once it has a price; its last candle is offered again only so that a new
            // subscriber gets its one update (the publisher lets one through per subscription).
            if (quiet.IsQuiet(stream) && publisher.LastSent.TryGetValue(stream, out var last))
            {
                if (step)
                {
                    unchanged.Add(last with { EventTime = now });
                }
            }
            else
            {
                moving.Add(stream);
            }
        }

        return (walk.Advance(moving, now, step), unchanged);
    }
}
