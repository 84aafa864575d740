using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// Observing what a running feed does after a change, without timing guesses: the change is made while no tick is in
/// flight, and updates are told apart by their event time.
/// </summary>
public static class FeedChanges
{
    /// <summary>The combined-stream name of a message, or null for a control reply.</summary>
    public static string? StreamOf(ReceivedMessage message) =>
        message.Json.TryGetProperty("stream", out var stream) ? stream.GetString() : null;

    /// <summary>
    /// Runs <paramref name="change"/> with the feed paused and returns the wall-clock millisecond from which updates
    /// reflect it: every later tick stamps its event time no earlier.
    /// </summary>
    public static async Task<long> ChangeWhilePausedAsync(BinanceSimulator simulator, Func<Task> change)
    {
        await simulator.PauseFeedAsync();
        await change();
        var resumedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        simulator.FeedPaused = false;
        return resumedAt;
    }

    /// <summary>The kline updates stamped at or after <paramref name="sinceMilliseconds"/> that arrive within <paramref name="window"/>.</summary>
    public static async Task<List<ReceivedMessage>> CollectSinceAsync(RawWebSocketClient client, long sinceMilliseconds, TimeSpan window) =>
        (await client.CollectAsync(window))
            .Where(m => StreamOf(m) is not null && m.Json.GetProperty("data").GetProperty("E").GetInt64() >= sinceMilliseconds)
            .ToList();
}
