using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Telemetry;

namespace KlineAspire.Ingestor.Storage;

/// <summary>The hot path: one received frame is parsed, stored and counted, without allocating.</summary>
public sealed class KlineFrameProcessor(KlineStore store, IngestorMetrics metrics, TimeProvider time)
{
    public FrameKind Process(ReadOnlySpan<byte> utf8, ref ParsedFrame frame)
    {
        metrics.MessageReceived();
        KlineFrameParser.Parse(utf8, ref frame);
        switch (frame.Kind)
        {
            case FrameKind.Kline when store.TryGetSlot(frame.Symbol, frame.Interval, out var slot):
                var receivedAt = time.GetUtcNow().ToUnixTimeMilliseconds();
                slot.Apply(ref frame, receivedAt);
                metrics.RecordLag(Math.Max(0, receivedAt - frame.EventTime) / 1000.0);
                break;
            case FrameKind.Kline:
                frame.Kind = FrameKind.Invalid;
                frame.Reason = InvalidFrameReason.UnknownStream;
                frame.Detail = "s/k.i";
                metrics.InvalidFrame(frame.Reason);
                break;
            case FrameKind.Invalid:
                metrics.InvalidFrame(frame.Reason);
                break;
        }

        return frame.Kind;
    }
}
