namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>Structured log events of symbol selection (source-generated).</summary>
internal static partial class SymbolLog
{
    [LoggerMessage(101, LogLevel.Warning, "exchangeInfo could not be read from {Address} ({Reason}); starting with the {Count} literal symbols "
        + "unchecked until it answers; a symbol it does not list then stops the ingestor")]
    public static partial void LiteralsUnchecked(ILogger logger, Uri address, string reason, int count);

    [LoggerMessage(102, LogLevel.Warning, "exchangeInfo could not be read from {Address} ({Reason}); the symbol patterns wait for it, the {Count} "
        + "literal symbols start now")]
    public static partial void WaitingForExchangeInfo(ILogger logger, Uri address, string reason, int count);

    [LoggerMessage(103, LogLevel.Warning, "Still waiting for exchangeInfo from {Address} ({Reason}); retrying in {Delay}")]
    public static partial void StillWaiting(ILogger logger, Uri address, string reason, TimeSpan delay);

    [LoggerMessage(104, LogLevel.Warning, "Symbol refresh failed: exchangeInfo from {Address} ({Reason}); the last known set of {Streams} streams "
        + "stays in force, retrying in {Delay}")]
    public static partial void KeepingLastKnownSet(ILogger logger, Uri address, string reason, int streams, TimeSpan delay);

    [LoggerMessage(105, LogLevel.Warning, "Binance:Symbols:{Index} = '{Pattern}' matches no symbol that exchangeInfo lists as TRADING")]
    public static partial void PatternMatchesNothing(ILogger logger, int index, string pattern);

    [LoggerMessage(106, LogLevel.Warning, "Binance:Symbols:{Index} = '{Symbol}' is listed with status {Status}, not TRADING: it stays subscribed but "
        + "sends nothing until it trades again")]
    public static partial void LiteralNotTrading(ILogger logger, int index, string symbol, string status);

    [LoggerMessage(107, LogLevel.Warning, "Binance:Symbols:{Index} = '{Symbol}' is no longer listed by exchangeInfo: it stays subscribed as "
        + "configured, but will send nothing")]
    public static partial void LiteralDelisted(ILogger logger, int index, string symbol);

    [LoggerMessage(108, LogLevel.Information, "Symbols selected: {Symbols}; {Added} streams added, {Removed} removed, {Opened} connections opened, "
        + "{Closed} closed; {Streams} streams in all")]
    public static partial void SelectionApplied(ILogger logger, int symbols, int added, int removed, int opened, int closed, int streams);

    [LoggerMessage(110, LogLevel.Warning, "{Deferred} selected streams are not subscribed: this run has room for {Capacity} distinct streams "
        + "({Basis}), all taken. They join at the next start; raise Binance:ListingHeadroom to keep more room")]
    public static partial void StreamsDeferred(ILogger logger, int deferred, int capacity, string basis);

    [LoggerMessage(111, LogLevel.Information, "Room for {Capacity} distinct streams this run ({Basis})")]
    public static partial void Capacity(ILogger logger, int capacity, string basis);

    [LoggerMessage(112, LogLevel.Information, "exchangeInfo from {Address} still cannot be read ({Reason}); the {Count} literal symbols stream "
        + "unchecked meanwhile, retrying in {Delay}")]
    public static partial void LiteralsStillUnchecked(ILogger logger, Uri address, string reason, int count, TimeSpan delay);

    [LoggerMessage(109, LogLevel.Critical, "The configuration is invalid, stopping: {Failures}")]
    public static partial void UnknownLiteralsStopping(ILogger logger, string failures);
}
