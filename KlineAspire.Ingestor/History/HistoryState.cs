namespace KlineAspire.Ingestor.History;

/// <summary>Where a stream's history stands; the label values of <c>kline_ingestor_history_streams{state}</c>.</summary>
public enum HistoryState
{
    /// <summary>Not fetched yet, or failed and waiting to be tried again.</summary>
    Pending,

    /// <summary>Fetched: its candles are served at <c>/history</c>.</summary>
    Done,

    /// <summary>Given up after repeated failures.</summary>
    Failed,

    /// <summary>Not to be had: REST does not know the symbol, or the stream is a UTC+8 variant, which REST klines do not serve.</summary>
    Skipped,
}

public static class HistoryStateLabels
{
    public static string Label(this HistoryState state) => state switch
    {
        HistoryState.Pending => "pending",
        HistoryState.Done => "done",
        HistoryState.Failed => "failed",
        _ => "skipped",
    };
}
