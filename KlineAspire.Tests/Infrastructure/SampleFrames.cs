namespace KlineAspire.Tests.Infrastructure;

/// <summary>The sample frames of docs/binance-protocol.md, verbatim.</summary>
internal static class SampleFrames
{
    public const string BnbUsdt = """{"e":"kline","E":1647220248756,"s":"BNBUSDT","k":{"t":1647220200000,"T":1647220259999,"s":"BNBUSDT","i":"1m","f":527449288,"L":527449503,"o":"364.60000000","c":"364.30000000","h":"364.60000000","l":"364.20000000","v":"458.54400000","n":216,"x":false,"q":"167076.68030000","V":"183.99400000","Q":"67043.53500000","B":"0"}}""";

    public const string XrpUsdt = """{"e":"kline","E":1647220380568,"s":"XRPUSDT","k":{"t":1647220320000,"T":1647220379999,"s":"XRPUSDT","i":"1m","f":429501724,"L":429501859,"o":"0.75860000","c":"0.75920000","h":"0.75920000","l":"0.75860000","v":"81089.00000000","n":136,"x":true,"q":"61541.60570000","V":"63081.00000000","Q":"47874.45210000","B":"0"}}""";

    public const string SubscribeAck = """{"result":null,"id":1}""";

    public static string Combined(string streamName, string raw) => $$"""{"stream":"{{streamName}}","data":{{raw}}}""";
}
