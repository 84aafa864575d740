namespace KlineAspire.Ingestor.Candles;

/// <summary>How many streams stand where, at one instant: the numbers behind readiness and the stale-streams gauge.</summary>
public readonly record struct StoreCensus(int Streams, int WithData, int FeedUp, int Live)
{
    /// <summary>Streams without a price to serve: never updated, or their feed lost for longer than <c>StaleAfter</c>.</summary>
    public int Stale => Streams - Live;
}
