namespace KlineAspire.Ingestor.Exposition;

/// <summary>The per-stream instruments, each once: <see cref="KlineMetrics"/> creates them, <see cref="KlineSeries"/> selects them.</summary>
public static class KlineInstruments
{
    public const string Forming = "forming";
    public const string Closed = "closed";
    public const string Prices = "prices";
    public const string Volumes = "volumes";
    public const string Feed = "feed";

    /// <summary>The groups, in the order error messages and the docs list them.</summary>
    public static readonly IReadOnlyList<string> Groups = [Forming, Closed, Prices, Volumes, Feed];

    public static readonly KlineInstrument OpenPrice = new("kline.open.price", "kline_open_price",
        "Open price of the candle currently forming.", null, Forming, Prices);
    public static readonly KlineInstrument HighPrice = new("kline.high.price", "kline_high_price",
        "High price of the candle currently forming.", null, Forming, Prices);
    public static readonly KlineInstrument LowPrice = new("kline.low.price", "kline_low_price",
        "Low price of the candle currently forming.", null, Forming, Prices);
    public static readonly KlineInstrument ClosePrice = new("kline.close.price", "kline_close_price",
        "Last (close) price of the candle currently forming.", null, Forming, Prices);
    public static readonly KlineInstrument BaseVolume = new("kline.base.volume", "kline_base_volume",
        "Base asset volume of the candle currently forming.", null, Forming, Volumes);
    public static readonly KlineInstrument QuoteVolume = new("kline.quote.volume", "kline_quote_volume",
        "Quote asset volume of the candle currently forming.", null, Forming, Volumes);
    public static readonly KlineInstrument TakerBuyBaseVolume = new("kline.taker_buy_base.volume", "kline_taker_buy_base_volume",
        "Taker buy base asset volume of the candle currently forming.", null, Forming, Volumes);
    public static readonly KlineInstrument TakerBuyQuoteVolume = new("kline.taker_buy_quote.volume", "kline_taker_buy_quote_volume",
        "Taker buy quote asset volume of the candle currently forming.", null, Forming, Volumes);
    public static readonly KlineInstrument Trades = new("kline.trades", "kline_trades",
        "Number of trades in the candle currently forming.", "{trade}", Forming);
    public static readonly KlineInstrument OpenTime = new("kline.open_time", "kline_open_time_seconds",
        "Open time of the candle currently forming, Unix seconds.", "s", Forming);

    // The closed candle's instruments are named kline.closed.* so that a view can drop them by name.
    public static readonly KlineInstrument ClosedOpenPrice = new("kline.closed.open.price", "kline_closed_open_price",
        "Open price of the last closed candle.", null, Closed, Prices);
    public static readonly KlineInstrument ClosedHighPrice = new("kline.closed.high.price", "kline_closed_high_price",
        "High price of the last closed candle.", null, Closed, Prices);
    public static readonly KlineInstrument ClosedLowPrice = new("kline.closed.low.price", "kline_closed_low_price",
        "Low price of the last closed candle.", null, Closed, Prices);
    public static readonly KlineInstrument ClosedClosePrice = new("kline.closed.close.price", "kline_closed_close_price",
        "Close price of the last closed candle.", null, Closed, Prices);
    public static readonly KlineInstrument ClosedBaseVolume = new("kline.closed.base.volume", "kline_closed_base_volume",
        "Base asset volume of the last closed candle.", null, Closed, Volumes);
    public static readonly KlineInstrument ClosedQuoteVolume = new("kline.closed.quote.volume", "kline_closed_quote_volume",
        "Quote asset volume of the last closed candle.", null, Closed, Volumes);
    public static readonly KlineInstrument ClosedTrades = new("kline.closed.trades", "kline_closed_trades",
        "Number of trades in the last closed candle.", "{trade}", Closed);
    public static readonly KlineInstrument ClosedOpenTime = new("kline.closed.open_time", "kline_closed_open_time_seconds",
        "Open time of the last closed candle, Unix seconds.", "s", Closed);

    public static readonly KlineInstrument FeedUp = new("kline.feed.up", "kline_feed_up",
        "1 while the stream's connection is subscribed and alive (or was lost less than StaleAfter ago), else 0. Quiet markets do not make it 0.", null, Feed);
    public static readonly KlineInstrument LastUpdate = new("kline.last_update_timestamp", "kline_last_update_timestamp_seconds",
        "Exchange event time of the stream's last update, Unix seconds. Binance pushes only on change, so an old value alone does not mean "
        + "the feed is lost.", "s", Feed);
    public static readonly KlineInstrument CandlesClosed = new("kline.candles_closed", "kline_candles_closed_total",
        "Candles closed, by their final update (x=true) or by their interval ending; each counts once.", "{candle}", Feed);

    /// <summary>Every per-stream instrument, in the order <c>/metrics</c> lists them.</summary>
    public static readonly IReadOnlyList<KlineInstrument> All =
    [
        OpenPrice, HighPrice, LowPrice, ClosePrice, BaseVolume, QuoteVolume, TakerBuyBaseVolume, TakerBuyQuoteVolume, Trades, OpenTime,
        ClosedOpenPrice, ClosedHighPrice, ClosedLowPrice, ClosedClosePrice, ClosedBaseVolume, ClosedQuoteVolume, ClosedTrades, ClosedOpenTime,
        FeedUp, LastUpdate, CandlesClosed,
    ];

    /// <summary>
    /// The market-wide instrument beside them: one sum over all streams, on the same readings. Which stream had the gap
    /// shows in its closed-candle series, absent for that interval.
    /// </summary>
    public static readonly KlineInstrument MissedCandles = new("kline.ingestor.missed_candles", "kline_ingestor_missed_candles_total",
        "Closed candles never published as closed: the feed was lost before they ended or within the final-update grace after, and their "
        + "final update (x=true) never came.",
        "{candle}");
}
