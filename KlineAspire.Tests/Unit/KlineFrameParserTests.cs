using System.Text;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

public class KlineFrameParserTests
{
    private static (FrameKind Kind, InvalidFrameReason Reason, string? Detail) Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static (FrameKind Kind, InvalidFrameReason Reason, string? Detail) Parse(byte[] utf8)
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(utf8, ref frame);
        return (frame.Kind, frame.Reason, frame.Detail);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sample_frame_parses_to_exact_values(bool combined)
    {
        var json = combined ? SampleFrames.Combined("bnbusdt@kline_1m", SampleFrames.BnbUsdt) : SampleFrames.BnbUsdt;
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(json), ref frame);

        Assert.Equal(FrameKind.Kline, frame.Kind);
        Assert.Equal("BNBUSDT", Encoding.UTF8.GetString(frame.Symbol));
        Assert.Equal("1m", Encoding.UTF8.GetString(frame.Interval));
        Assert.Equal(1647220248756, frame.EventTime);
        Assert.Equal(1647220200000, frame.OpenTime);
        Assert.Equal(1647220259999, frame.CloseTime);
        Assert.Equal(527449288, frame.FirstTradeId);
        Assert.Equal(527449503, frame.LastTradeId);
        Assert.Equal(364.6, frame.Open);
        Assert.Equal(364.3, frame.Close);
        Assert.Equal(364.6, frame.High);
        Assert.Equal(364.2, frame.Low);
        Assert.Equal(458.544, frame.BaseVolume);
        Assert.Equal(216, frame.Trades);
        Assert.False(frame.IsClosed);
        Assert.Equal(167076.6803, frame.QuoteVolume);
        Assert.Equal(183.994, frame.TakerBuyBaseVolume);
        Assert.Equal(67043.535, frame.TakerBuyQuoteVolume);
    }

    [Fact]
    public void Closed_candle_is_flagged()
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(SampleFrames.XrpUsdt), ref frame);
        Assert.Equal(FrameKind.Kline, frame.Kind);
        Assert.True(frame.IsClosed);
        Assert.Equal(0.7592, frame.Close);
    }

    [Fact]
    public void Decimal_strings_become_the_nearest_double()
    {
        // 0.1 + 0.2 style error must not creep in: the string's nearest double is exactly what double.Parse gives.
        var json = SampleFrames.BnbUsdt.Replace("\"364.30000000\"", "\"0.30000001\"");
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(json), ref frame);
        Assert.Equal(0.30000001, frame.Close);
        Assert.Equal("0.30000001", frame.Close.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Subscribe_acknowledgement_is_a_response_with_its_id()
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(SampleFrames.SubscribeAck), ref frame);
        Assert.Equal(FrameKind.Response, frame.Kind);
        Assert.True(frame.HasResponseId);
        Assert.Equal(1, frame.ResponseId);
        Assert.False(frame.HasError);
    }

    [Fact]
    public void Error_response_carries_code_and_message()
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse("""{"error":{"code":4,"msg":"Too many subscriptions"},"id":19}"""u8, ref frame);
        Assert.Equal(FrameKind.Response, frame.Kind);
        Assert.True(frame.HasError);
        Assert.Equal(4, frame.ErrorCode);
        Assert.Equal("Too many subscriptions", Encoding.UTF8.GetString(frame.ErrorMessage));
        Assert.Equal(19, frame.ResponseId);
    }

    [Fact]
    public void Error_for_unparseable_request_has_null_id()
    {
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse("""{"error":{"code":3,"msg":"Invalid JSON"},"id":null}"""u8, ref frame);
        Assert.Equal(FrameKind.Response, frame.Kind);
        Assert.False(frame.HasResponseId);
        Assert.Equal(3, frame.ErrorCode);
    }

    [Theory]
    [InlineData("""{"e":"serverShutdown","E":1770123456789}""")]
    [InlineData("""{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}""")]
    public void Server_shutdown_is_recognised_raw_and_combined(string json) =>
        Assert.Equal(FrameKind.ServerShutdown, Parse(json).Kind);

    [Theory]
    [InlineData("not json", InvalidFrameReason.InvalidJson)]
    [InlineData("", InvalidFrameReason.InvalidJson)]
    [InlineData("[1,2,3]", InvalidFrameReason.InvalidJson)]
    [InlineData("""{"e":"kline","E":1""", InvalidFrameReason.InvalidJson)]
    [InlineData("""{"e":"kline"} trailing""", InvalidFrameReason.InvalidJson)]
    [InlineData("""{"e":"trade","E":1}""", InvalidFrameReason.UnknownEvent)]
    [InlineData("""{"hello":"world"}""", InvalidFrameReason.MissingField)]
    [InlineData("""{"e":"kline","E":1,"s":"BTCUSDT"}""", InvalidFrameReason.MissingField)]
    [InlineData("""{"stream":"x","data":42}""", InvalidFrameReason.InvalidValue)]
    public void Garbage_is_rejected_with_a_reason(string json, InvalidFrameReason reason)
    {
        var result = Parse(json);
        Assert.Equal(FrameKind.Invalid, result.Kind);
        Assert.Equal(reason, result.Reason);
        Assert.False(string.IsNullOrEmpty(result.Detail));
    }

    [Theory]
    [InlineData("\"c\":\"364.30000000\"", "\"c\":\"-1\"", "k.c")]
    [InlineData("\"c\":\"364.30000000\"", "\"c\":\"1e5\"", "k.c")]
    [InlineData("\"c\":\"364.30000000\"", "\"c\":\"NaN\"", "k.c")]
    [InlineData("\"c\":\"364.30000000\"", "\"c\":\"\"", "k.c")]
    [InlineData("\"n\":216", "\"n\":\"216\"", "k.n")]
    [InlineData("\"x\":false", "\"x\":\"no\"", "k.x")]
    [InlineData("\"E\":1647220248756", "\"E\":\"soon\"", "E")]
    public void Bad_field_values_are_rejected_naming_the_field(string good, string bad, string field)
    {
        var result = Parse(SampleFrames.BnbUsdt.Replace(good, bad));
        Assert.Equal(FrameKind.Invalid, result.Kind);
        Assert.Equal(InvalidFrameReason.InvalidValue, result.Reason);
        Assert.Equal(field, result.Detail);
    }

    [Fact]
    public void Missing_close_price_is_reported_as_missing_field()
    {
        var result = Parse(SampleFrames.BnbUsdt.Replace("\"c\":\"364.30000000\",", ""));
        Assert.Equal((FrameKind.Invalid, InvalidFrameReason.MissingField, "k.c"), result);
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        var bytes = Encoding.UTF8.GetBytes(SampleFrames.BnbUsdt);
        bytes[30] = 0xFF;
        Assert.Equal(InvalidFrameReason.InvalidUtf8, Parse(bytes).Reason);
    }

    [Fact]
    public void Optional_B_field_may_be_absent_and_unknown_fields_are_ignored()
    {
        var json = SampleFrames.BnbUsdt.Replace(",\"B\":\"0\"", ",\"future\":{\"nested\":[1,2]}");
        Assert.Equal(FrameKind.Kline, Parse(json).Kind);
    }

    [Fact]
    public void Escaped_symbol_is_unescaped()
    {
        var json = SampleFrames.BnbUsdt.Replace("\"s\":\"BNBUSDT\"", "\"s\":\"BNB\\u0055SDT\"");
        var frame = default(ParsedFrame);
        KlineFrameParser.Parse(Encoding.UTF8.GetBytes(json), ref frame);
        Assert.Equal(FrameKind.Kline, frame.Kind);
        Assert.Equal("BNBUSDT", Encoding.UTF8.GetString(frame.Symbol));
    }
}
