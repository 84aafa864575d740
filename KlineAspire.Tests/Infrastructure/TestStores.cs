using System.Text;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Ingestor.Subscriptions;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Stores built without the application, and frames applied to their slots as the feed applies them.</summary>
internal static class TestStores
{
    /// <summary>A store of every symbol × interval of <paramref name="streams"/>, all on one connection's coverage (<c>Slots[0].Coverage</c>).</summary>
    public static KlineStore StoreOf(params StreamId[] streams)
    {
        var store = new KlineStore();
        var plan = StreamPlanner.Plan(streams.Select(s => s.Symbol).Distinct(), streams.Select(s => s.Interval).Distinct(), 1024);
        store.Add([(plan.Streams, new FeedCoverage())]);
        return store;
    }

    /// <summary>Applies a frame to the slot; false when the slot kept what it held (an older or duplicate update).</summary>
    public static bool Apply(StreamSlot slot, string json)
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(json), ref frame);
        Assert.Equal(FrameKind.Kline, frame.Kind);
        return slot.Apply(ref frame);
    }
}
