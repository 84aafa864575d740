using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Telemetry;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Storage;

/// <summary>The hot path: one received frame is parsed, checked, stored and counted, without allocating.</summary>
public sealed class KlineFrameProcessor(KlineStore store, IngestorMetrics metrics, IOptions<BinanceOptions> options, TimeProvider time)
{
    private readonly long _toleranceMs = (long)options.Value.ClockTolerance.TotalMilliseconds;

    public FrameKind Process(ReadOnlySpan<byte> utf8, ref ParsedFrame frame)
    {
        metrics.MessageReceived();
        KlineFrameParser.Parse(utf8, ref frame);
        switch (frame.Kind)
        {
            case FrameKind.Kline when store.TryGetSlot(frame.Symbol, frame.Interval, frame.Utc8, out var slot):
                var receivedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (!IsPlausible(ref frame, receivedAt))
                {
                    metrics.InvalidFrame(frame.Reason);
                    break;
                }

                slot.Apply(ref frame);
                metrics.RecordLag(Math.Max(0, receivedAt - frame.EventTime) / 1000.0);
                break;
            case FrameKind.Kline:
                KlineFrameParser.Fail(ref frame, InvalidFrameReason.UnknownStream, "s/k.i");
                metrics.InvalidFrame(frame.Reason);
                break;
            case FrameKind.Invalid:
                metrics.InvalidFrame(frame.Reason);
                break;
        }

        return frame.Kind;
    }

    /// <summary>
    /// A stored update is only ever replaced by a newer one, so a single frame stamped far in the future would
    /// freeze its stream until restart. An event time far from receipt, or a candle that opens after its own event,
    /// is no update Binance sends.
    /// </summary>
    private bool IsPlausible(ref ParsedFrame frame, long receivedAtUnixMs)
    {
        if (Math.Abs(receivedAtUnixMs - frame.EventTime) > _toleranceMs)
        {
            return KlineFrameParser.Fail(ref frame, InvalidFrameReason.InvalidValue, "E");
        }

        if (frame.OpenTime > frame.EventTime + _toleranceMs || frame.CloseTime < frame.OpenTime)
        {
            return KlineFrameParser.Fail(ref frame, InvalidFrameReason.InvalidValue, "k.t");
        }

        return true;
    }
}
