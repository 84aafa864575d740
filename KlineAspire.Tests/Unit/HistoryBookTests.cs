using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.History;

namespace KlineAspire.Tests.Unit;

/// <summary>The book <c>/history</c> serves: when it is complete, and how its changes are numbered for later imports.</summary>
public class HistoryBookTests
{
    private static readonly StreamId Btc = new("BTCUSDT", "1m");
    private static readonly StreamId Eth = new("ETHUSDT", "1m");

    [Fact]
    public void It_is_not_complete_before_the_streams_were_first_tracked_and_is_once_each_stream_is_done_or_given_up()
    {
        var book = new HistoryBook();
        Assert.False(book.IsComplete, "an importer asking before the fetch's first look must wait");

        book.Track([Btc, Eth]);
        Assert.False(book.IsComplete);

        book.Update(Btc, history => history.Done([ClosedCandle.Empty(0, 1)], 2_000));
        book.Update(Eth, history => history.GivenUp(HistoryState.Failed));
        Assert.True(book.IsComplete);

        var off = new HistoryBook();
        off.Track([]);
        Assert.True(off.IsComplete, "history off: nothing to wait for");
    }

    [Fact]
    public void Each_change_is_numbered_and_a_snapshot_holds_every_change_up_to_its_number()
    {
        var book = new HistoryBook();
        book.Track([Btc, Eth]);
        book.Update(Btc, history => history.Done([ClosedCandle.Empty(0, 1)], 2_000));

        var (streams, complete, change) = book.Snapshot();
        book.Update(Eth, history => history.Done([ClosedCandle.Empty(0, 2)], 3_000));

        Assert.False(complete);
        Assert.Equal(1, change);
        Assert.Equal([(Btc, 1L, HistoryState.Done), (Eth, 0L, HistoryState.Pending)], streams.Select(s => (s.Stream, s.Change, s.State)));
        Assert.Equal(2, book.Snapshot().Change);
    }
}
