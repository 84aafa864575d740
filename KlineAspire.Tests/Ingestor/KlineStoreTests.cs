using System.Text;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Storage;
using KlineAspire.Ingestor.Streams;

namespace KlineAspire.Tests.Ingestor;

public class KlineStoreTests
{
    private static readonly KlineStore Store = new([new StreamId("BNBUSDT", "1m"), new StreamId("BNBUSDT", "1M"), new StreamId("XRPUSDT", "1m")]);

    [Fact]
    public void Lookup_matches_symbol_and_case_sensitive_interval()
    {
        Assert.True(Store.TryGetSlot("BNBUSDT"u8, "1m"u8, out var minute));
        Assert.True(Store.TryGetSlot("BNBUSDT"u8, "1M"u8, out var month));
        Assert.NotSame(minute, month);
        Assert.Equal("1M", month.Id.Interval);
        Assert.True(Store.TryGetSlot("bnbusdt"u8, "1m"u8, out var folded));
        Assert.Same(minute, folded);
        Assert.False(Store.TryGetSlot("ETHUSDT"u8, "1m"u8, out _));
        Assert.False(Store.TryGetSlot("BNBUSDT"u8, "5m"u8, out _));
        Assert.False(Store.TryGetSlot(Encoding.UTF8.GetBytes(new string('A', 200)), "1m"u8, out _));
    }

    [Fact]
    public void Older_updates_never_roll_a_stream_back_and_closes_count_once()
    {
        var store = new KlineStore([new StreamId("XRPUSDT", "1m")]);
        var slot = store.Slots[0];
        Apply(slot, SampleFrames.XrpUsdt);
        Apply(slot, SampleFrames.XrpUsdt); // the same close, delivered by an overlapping connection
        Apply(slot, SampleFrames.XrpUsdt.Replace("1647220380568", "1647220380000").Replace("0.75920000\",\"h", "0.10000000\",\"h"));

        var snapshot = slot.Snapshot()!.Value;
        Assert.Equal(0.7592, snapshot.Close);
        Assert.Equal(1647220380568, snapshot.EventTime);
        Assert.Equal(1, snapshot.ClosedCandles);

        var nextCandle = SampleFrames.XrpUsdt.Replace("1647220320000", "1647220380000").Replace("1647220380568", "1647220440001");
        Apply(slot, nextCandle);
        Assert.Equal(2, slot.Snapshot()!.Value.ClosedCandles);
    }

    [Fact]
    public void Freshness_follows_receipt_time()
    {
        var store = new KlineStore([new StreamId("XRPUSDT", "1m")]);
        Assert.Null(store.LastReceivedAtUnixMs());
        Apply(store.Slots[0], SampleFrames.XrpUsdt, receivedAt: 10_000);
        Assert.Equal(10_000, store.LastReceivedAtUnixMs());
        Assert.Equal(1, store.CountFresh(nowUnixMs: 15_000, staleAfterMs: 5_000));
        Assert.Equal(0, store.CountFresh(nowUnixMs: 15_001, staleAfterMs: 5_000));
    }

    private static void Apply(StreamSlot slot, string json, long receivedAt = 0)
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(json), ref frame);
        Assert.Equal(FrameKind.Kline, frame.Kind);
        slot.Apply(ref frame, receivedAt);
    }
}
