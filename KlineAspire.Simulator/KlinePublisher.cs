using System.Collections.Concurrent;

namespace KlineAspire.Simulator;

/// <summary>
/// Sends kline updates to the connections subscribed to their streams, the way Binance would: nothing for symbols
/// that do not trade, one update per subscription for quiet streams. Remembers what it published (last candle per
/// stream, REST history) and counts what it wrote per stream.
/// </summary>
internal sealed class KlinePublisher(
    SimulatorConnections connections,
    SimulatorFaults faults,
    SymbolUniverse symbols,
    QuietStreams quiet,
    KlineHistory history,
    SentUpdateCounts sent)
{
    private readonly ConcurrentDictionary<string, KlineCandle> _lastSent = new(StringComparer.Ordinal);

    /// <summary>The last candle published per stream name.</summary>
    public IReadOnlyDictionary<string, KlineCandle> LastSent => _lastSent;

    /// <summary>Sends the candle to every connection subscribed to its stream, in each connection's format.</summary>
    public async Task PublishAsync(KlineCandle candle)
    {
        if (!Record(candle) || faults.StopSending)
        {
            return;
        }

        byte[]? raw = null, combined = null;
        foreach (var connection in connections.Open)
        {
            if (connection.IsSubscribedTo(candle.StreamName) && MayReceive(connection, candle.StreamName))
            {
                var payload = connection.Combined ? combined ??= candle.ToUtf8(combined: true) : raw ??= candle.ToUtf8(combined: false);
                await SendAsync(connection, candle.StreamName, payload);
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
            if (!Record(candle))
            {
                continue;
            }

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
                if (byStream.TryGetValue(stream, out var updates) && MayReceive(connection, stream))
                {
                    foreach (var candle in updates)
                    {
                        // A stream normally has one subscriber, so encoding at send time costs nothing extra.
                        if (!await SendAsync(connection, stream, candle.ToUtf8(connection.Combined)))
                        {
                            return;
                        }
                    }
                }
            }
        });
        await Task.WhenAll(sends);
    }

    /// <summary>
    /// Offers a quiet stream's unchanged candle to the subscribers that have not had their one update yet. It counts
    /// as published (and becomes <see cref="LastSent"/>) only if one of them took it: the others saw nothing.
    /// </summary>
    public async Task OfferQuietAsync(IReadOnlyCollection<KlineCandle> candles)
    {
        if (faults.StopSending)
        {
            return;
        }

        foreach (var candle in candles)
        {
            if (!symbols.IsTrading(candle.Symbol))
            {
                continue;
            }

            var delivered = false;
            foreach (var connection in connections.Open.Where(c => c.IsSubscribedTo(candle.StreamName) && c.TryClaimQuietUpdate(candle.StreamName)))
            {
                delivered |= await SendAsync(connection, candle.StreamName, candle.ToUtf8(connection.Combined));
            }

            if (delivered)
            {
                Record(candle);
            }
        }
    }

    /// <summary>Sends the candle to its subscribers as one message split across several WebSocket frames.</summary>
    public async Task SendFragmentedAsync(KlineCandle candle, int fragments)
    {
        if (!Record(candle))
        {
            return;
        }

        foreach (var connection in connections.Open.Where(c => c.IsSubscribedTo(candle.StreamName) && MayReceive(c, candle.StreamName)))
        {
            var bytes = candle.ToUtf8(connection.Combined);
            var size = (bytes.Length + fragments - 1) / fragments;
            var parts = Enumerable.Range(0, fragments)
                .Select(i => new ReadOnlyMemory<byte>(bytes, Math.Min(i * size, bytes.Length), Math.Clamp(bytes.Length - i * size, 0, size)))
                .ToList();
            if (await connection.SendFragmentsAsync(parts))
            {
                sent.Count(candle.StreamName);
            }
        }
    }

    /// <summary>Remembers a candle of a trading symbol; false for one that does not trade, which is dropped.</summary>
    private bool Record(KlineCandle candle)
    {
        if (!symbols.IsTrading(candle.Symbol))
        {
            return false;
        }

        _lastSent[candle.StreamName] = candle;
        history.Record(candle);
        return true;
    }

    private bool MayReceive(SimulatorConnection connection, string stream) =>
        !quiet.IsQuiet(stream) || connection.TryClaimQuietUpdate(stream);

    private async Task<bool> SendAsync(SimulatorConnection connection, string stream, ReadOnlyMemory<byte> payload)
    {
        if (!await connection.SendAsync(payload))
        {
            return false;
        }

        sent.Count(stream);
        return true;
    }
}
