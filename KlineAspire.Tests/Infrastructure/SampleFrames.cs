using KlineAspire.Ingestor.Candles;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>The sample frames of docs/binance-protocol.md, verbatim, and ETHBTC frames of any interval and time with fixed values.</summary>
internal static class SampleFrames
{
    public const string BnbUsdt = """{"e":"kline","E":1647220248756,"s":"BNBUSDT","k":{"t":1647220200000,"T":1647220259999,"s":"BNBUSDT","i":"1m","f":527449288,"L":527449503,"o":"364.60000000","c":"364.30000000","h":"364.60000000","l":"364.20000000","v":"458.54400000","n":216,"x":false,"q":"167076.68030000","V":"183.99400000","Q":"67043.53500000","B":"0"}}""";

    public const string XrpUsdt = """{"e":"kline","E":1647220380568,"s":"XRPUSDT","k":{"t":1647220320000,"T":1647220379999,"s":"XRPUSDT","i":"1m","f":429501724,"L":429501859,"o":"0.75860000","c":"0.75920000","h":"0.75920000","l":"0.75860000","v":"81089.00000000","n":136,"x":true,"q":"61541.60570000","V":"63081.00000000","Q":"47874.45210000","B":"0"}}""";

    public const string SubscribeAck = """{"result":null,"id":1}""";

    public static string Combined(string streamName, string raw) => $$"""{"stream":"{{streamName}}","data":{{raw}}}""";

    /// <summary>
    /// A combined-stream ETHBTC kline of <paramref name="calendar"/>'s interval: o 0.051, h 0.0525, l 0.0505, c 0.052, v 12.5,
    /// q 0.64, 3 trades.
    /// </summary>
    public static string EthBtc(KlineCalendar calendar, long openTime, long eventTime, bool closed = false) =>
        "{\"stream\":\"ethbtc@kline_" + calendar.Interval + "\",\"data\":{\"e\":\"kline\",\"E\":" + eventTime
        + ",\"s\":\"ETHBTC\",\"k\":{\"t\":" + openTime + ",\"T\":" + calendar.CloseTime(openTime)
        + ",\"s\":\"ETHBTC\",\"i\":\"" + calendar.BaseInterval
        + "\",\"f\":1,\"L\":3,\"o\":\"0.05100000\",\"c\":\"0.05200000\",\"h\":\"0.05250000\",\"l\":\"0.05050000\",\"v\":\"12.50000000\",\"n\":3,\"x\":"
        + (closed ? "true" : "false") + ",\"q\":\"0.64000000\",\"V\":\"6.00000000\",\"Q\":\"0.31000000\",\"B\":\"0\"}}}";
}
