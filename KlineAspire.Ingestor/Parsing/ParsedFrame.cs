namespace KlineAspire.Ingestor.Parsing;

/// <summary>
/// The fields of one frame. A ref struct so that symbol and interval stay slices of the received bytes:
/// parsing allocates nothing.
/// </summary>
public ref struct ParsedFrame
{
    public FrameKind Kind;
    public InvalidFrameReason Reason;

    /// <summary>For an invalid frame, the field or token at fault (a constant, for logs).</summary>
    public string? Detail;

    public ReadOnlySpan<byte> Symbol;
    public ReadOnlySpan<byte> Interval;
    public long EventTime;
    public long OpenTime;
    public long CloseTime;
    public long FirstTradeId;
    public long LastTradeId;
    public long Trades;
    public double Open;
    public double Close;
    public double High;
    public double Low;
    public double BaseVolume;
    public double QuoteVolume;
    public double TakerBuyBaseVolume;
    public double TakerBuyQuoteVolume;
    public bool IsClosed;

    /// <summary>The combined wrapper named an <c>@+08:00</c> stream: same payload, candles in UTC+8.</summary>
    public bool Utc8;

    public bool HasResponseId;
    public long ResponseId;
    public bool HasError;
    public int ErrorCode;
    public ReadOnlySpan<byte> ErrorMessage;
}
