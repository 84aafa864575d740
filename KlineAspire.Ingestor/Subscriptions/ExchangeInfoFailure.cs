namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>Why a read of exchangeInfo failed, as the <c>reason</c> of <c>kline_ingestor_symbol_refreshes_total{result="failure"}</c>.</summary>
public enum ExchangeInfoFailure
{
    /// <summary>The server answered with a status other than 2xx (429 and 418 included).</summary>
    HttpStatus,

    /// <summary>No connection, or the connection failed before the last byte of the answer (reset, closed mid-body).</summary>
    Transport,

    /// <summary>The whole request, body included, did not complete within <c>Binance:RestTimeout</c>.</summary>
    Timeout,

    /// <summary>The answer arrived but is not an exchangeInfo document: not JSON, or without a usable <c>symbols</c> list.</summary>
    Unreadable,
}

internal static class ExchangeInfoFailureLabels
{
    public static string Label(this ExchangeInfoFailure failure) => failure switch
    {
        ExchangeInfoFailure.HttpStatus => "http_status",
        ExchangeInfoFailure.Transport => "transport",
        ExchangeInfoFailure.Timeout => "timeout",
        ExchangeInfoFailure.Unreadable => "unreadable",
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };
}
