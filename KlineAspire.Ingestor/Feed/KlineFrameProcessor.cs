using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Parsing;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Feed;

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
                if (!IsPlausible(ref frame, slot.Calendar, receivedAt))
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
    /// freeze its stream until restart, and one whose candle opened long ago would count every candle since as
    /// closed. An event time far from receipt is no update Binance sends, nor is a candle off its interval's calendar,
    /// later than the candle forming at the event, or earlier than the one forming <c>ClockTolerance</c> before it: a
    /// final update that comes a moment after its candle's close names the previous candle, and is still accepted.
    /// </summary>
    private bool IsPlausible(ref ParsedFrame frame, KlineCalendar calendar, long receivedAtUnixMs)
    {
        if (Math.Abs(receivedAtUnixMs - frame.EventTime) > _toleranceMs)
        {
            return KlineFrameParser.Fail(ref frame, InvalidFrameReason.InvalidValue, "E");
        }

        // The event time is now known to be near the clock, so the calendar works on sane instants from here on.
        var openTime = frame.OpenTime;
        if (openTime > calendar.OpenTimeAt(frame.EventTime) || openTime < calendar.OpenTimeAt(frame.EventTime - _toleranceMs)
            || calendar.OpenTimeAt(openTime) != openTime)
        {
            return KlineFrameParser.Fail(ref frame, InvalidFrameReason.InvalidValue, "k.t");
        }

        if (frame.CloseTime != calendar.CloseTime(openTime))
        {
            return KlineFrameParser.Fail(ref frame, InvalidFrameReason.InvalidValue, "k.T");
        }

        return true;
    }
}
