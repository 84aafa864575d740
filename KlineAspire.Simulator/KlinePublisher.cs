using System.Collections.Concurrent;

namespace KlineAspire.Simulator;

/// <summary>Sends kline updates to the connections subscribed to their streams, and remembers the last one per stream.</summary>
internal sealed class KlinePublisher(SimulatorConnections connections, SimulatorFaults faults)
{
    private readonly ConcurrentDictionary<string, KlineCandle> _lastSent = new(StringComparer.Ordinal);

    /// <summary>The last candle published per stream name.</summary>
    public IReadOnlyDictionary<string, KlineCandle> LastSent => _lastSent;

    /// <summary>Sends the candle to every connection subscribed to its stream, in each connection's format.</summary>
    public async Task PublishAsync(KlineCandle candle)
    {
        _lastSent[candle.StreamName] = candle;
        if (faults.StopSending)
        {
            return;
        }

        byte[]? raw = null, combined = null;
        foreach (var connection in connections.Open)
        {
            if (connection.IsSubscribedTo(candle.StreamName))
            {
                var payload = connection.Combined ? combined ??= candle.ToUtf8(combined: true) : raw ??= candle.ToUtf8(combined: false);
                await connection.SendAsync(payload);
            }
        }
    }

    /// <summary>Publishes a batch, each connection receiving its share concurrently (the feed's path).</summary>
    public async Task PublishBatchAsync(IReadOnlyCollection<KlineCandle> candles)
    {
        // A stream can have two updates in one batch: its candle sent once more as closed, then the new candle.
        var byStream = new Dictionary<string, List<KlineCandle>>(candles.Count, StringComparer.Ordinal);
        foreach (var candle in candles)
        {
            _lastSent[candle.StreamName] = candle;
            if (!byStream.TryGetValue(candle.StreamName, out var updates))
            {
                byStream[candle.StreamName] = updates = [];
            }

            updates.Add(candle);
        }

        if (faults.StopSending)
        {
            return;
        }

        var sends = connections.Open.Select(async connection =>
        {
            foreach (var stream in connection.Streams)
            {
                if (byStream.TryGetValue(stream, out var updates))
                {
                    foreach (var candle in updates)
                    {
                        // A stream normally has one subscriber, so encoding at send time costs nothing extra.
                        if (!await connection.SendAsync(candle.ToUtf8(connection.Combined)))
                        {
                            return;
                        }
                    }
                }
            }
        });
        await Task.WhenAll(sends);
    }

    /// <summary>Sends the candle to its subscribers as one message split across several WebSocket frames.</summary>
    public async Task SendFragmentedAsync(KlineCandle candle, int fragments)
    {
        _lastSent[candle.StreamName] = candle;
        foreach (var connection in connections.Open.Where(c => c.IsSubscribedTo(candle.StreamName)))
        {
            var bytes = candle.ToUtf8(connection.Combined);
            var size = (bytes.Length + fragments - 1) / fragments;
            var parts = Enumerable.Range(0, fragments)
                .Select(i => new ReadOnlyMemory<byte>(bytes, Math.Min(i * size, bytes.Length), Math.Clamp(bytes.Length - i * size, 0, size)))
                .ToList();
            await connection.SendFragmentsAsync(parts);
        }
    }
}
