using System.Text;
using KlineAspire.Ingestor.Parsing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The parser's fast path for canonical kline frames must be invisible: for any input, <see cref="KlineFrameParser.Parse"/>
/// returns exactly what the general parser returns. Checked on the sample frames, reorderings, and thousands of
/// truncated and corrupted variants.
/// </summary>
public sealed class FastPathEquivalenceTests
{
    private static readonly string[] Canonical =
    [
        SampleFrames.BnbUsdt,
        SampleFrames.XrpUsdt,
        SampleFrames.Combined("bnbusdt@kline_1m", SampleFrames.BnbUsdt),
        SampleFrames.Combined("xrpusdt@kline_1m", SampleFrames.XrpUsdt),
    ];

    private static readonly byte[] Replacements = [(byte)' ', (byte)'"', (byte)'\\', (byte)'0', (byte)'9', (byte)'.', (byte)',', (byte)'}', (byte)'{',
        (byte)'x', (byte)'-', (byte)'e', 0x80, 0xFF, 0x00];

    [Fact]
    public void Canonical_frames_take_the_fast_path_and_match_the_general_parser()
    {
        foreach (var json in Canonical)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var fast = default(ParsedFrame);
            Assert.True(KlineFastPath.TryParse(bytes, ref fast), json);
            AssertSameAsGeneral(bytes);
        }
    }

    [Fact]
    public void Reordered_trimmed_and_unusual_frames_match_the_general_parser()
    {
        var raw = SampleFrames.BnbUsdt;
        string[] variants =
        [
            raw.Replace(",\"B\":\"0\"", ""),
            raw.Replace("\"o\":\"364.60000000\",\"c\":\"364.30000000\"", "\"c\":\"364.30000000\",\"o\":\"364.60000000\""),
            raw.Replace("\"e\":\"kline\",\"E\":1647220248756", "\"E\":1647220248756,\"e\":\"kline\""),
            raw.Replace(",\"s\":\"BNBUSDT\",\"k\"", ",\"k\"").Replace("}}", "},\"s\":\"BNBUSDT\"}"),
            raw.Replace("\"s\":\"BNBUSDT\",\"i\"", "\"s\":\"ETHUSDT\",\"i\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"364.60000000\",\"o\":\"1.5\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":364.6"),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"12345678901234567890.123456789\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"0.0000000000000000000000001\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\".5\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"5.\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"007.25\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"1e5\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"-1.5\""),
            raw.Replace("\"o\":\"364.60000000\"", "\"o\":\"\""),
            raw.Replace("\"n\":216", "\"n\":0"),
            raw.Replace("\"n\":216", "\"n\":0216"),
            raw.Replace("\"n\":216", "\"n\":-216"),
            raw.Replace("\"n\":216", "\"n\":2.16"),
            raw.Replace("\"n\":216", "\"n\":99999999999999999999"),
            raw.Replace("\"B\":\"0\"", "\"B\":{\"z\":1}"),
            raw.Replace("\"B\":\"0\"", "\"Z\":\"0\""),
            raw.Replace("\"B\":\"0\"", "\"BB\":\"0\""),
            raw.Replace("\"i\":\"1m\"", "\"i\":\"\""),
            raw.Replace("\"i\":\"1m\"", "\"i\":\"1\\u006d\""),
            raw.Replace("\"e\":\"kline\"", "\"e\":\"trade\""),
            raw.Replace("\"e\":\"kline\"", "\"e\":\"serverShutdown\""),
            raw.Replace(",\"x\":false", ""),
            raw.Replace("\"x\":false", "\"x\":true"),
            raw.Replace("\"x\":false", "\"x\":null"),
            raw + " ",
            " " + raw,
            raw + "{}",
            raw.Replace(":", ": "),
            SampleFrames.Combined("bnbusdt@kline_1m", raw).Replace("\"stream\"", "\"id\":5,\"stream\""),
            SampleFrames.Combined("bnbusdt@kline_1m", raw).Replace("@kline_1m\"", "@kline_1m\",\"extra\":1"),
            SampleFrames.SubscribeAck,
            """{"e":"serverShutdown","E":1}""",
            "{}",
            "",
        ];
        foreach (var variant in variants)
        {
            AssertSameAsGeneral(Encoding.UTF8.GetBytes(variant));
        }
    }

    [Fact]
    public void Truncated_and_corrupted_frames_match_the_general_parser()
    {
        foreach (var json in Canonical)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            for (var length = 0; length < bytes.Length; length++)
            {
                AssertSameAsGeneral(bytes.AsSpan(0, length));
            }

            var copy = new byte[bytes.Length];
            for (var index = 0; index < bytes.Length; index++)
            {
                foreach (var replacement in Replacements)
                {
                    bytes.CopyTo(copy, 0);
                    copy[index] = replacement;
                    AssertSameAsGeneral(copy);
                }

                AssertSameAsGeneral([.. bytes.AsSpan(0, index), .. bytes.AsSpan(index + 1)]);
            }
        }
    }

    private static void AssertSameAsGeneral(ReadOnlySpan<byte> utf8)
    {
        var expected = default(ParsedFrame);
        KlineFrameParser.ParseGeneral(utf8, ref expected);
        var actual = default(ParsedFrame);
        KlineFrameParser.Parse(utf8, ref actual);

        var input = Encoding.UTF8.GetString(utf8);
        Assert.True(expected.Kind == actual.Kind, $"Kind {actual.Kind} != {expected.Kind} for {input}");
        Assert.True(expected.Reason == actual.Reason && expected.Detail == actual.Detail, $"Reason differs for {input}");
        Assert.True(expected.Symbol.SequenceEqual(actual.Symbol) && expected.Interval.SequenceEqual(actual.Interval), $"Stream differs for {input}");
        long[] expectedIntegers = [expected.EventTime, expected.OpenTime, expected.CloseTime, expected.FirstTradeId, expected.LastTradeId, expected.Trades,
            expected.ResponseId, expected.ErrorCode];
        long[] actualIntegers = [actual.EventTime, actual.OpenTime, actual.CloseTime, actual.FirstTradeId, actual.LastTradeId, actual.Trades,
            actual.ResponseId, actual.ErrorCode];
        Assert.True(expectedIntegers.SequenceEqual(actualIntegers), $"Integers differ for {input}");
        double[] expectedDecimals = [expected.Open, expected.Close, expected.High, expected.Low, expected.BaseVolume, expected.QuoteVolume,
            expected.TakerBuyBaseVolume, expected.TakerBuyQuoteVolume];
        double[] actualDecimals = [actual.Open, actual.Close, actual.High, actual.Low, actual.BaseVolume, actual.QuoteVolume, actual.TakerBuyBaseVolume,
            actual.TakerBuyQuoteVolume];
        Assert.True(expectedDecimals.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actualDecimals.Select(BitConverter.DoubleToInt64Bits)),
            $"Decimals differ for {input}");
        Assert.True(expected.IsClosed == actual.IsClosed && expected.HasResponseId == actual.HasResponseId && expected.HasError == actual.HasError,
            $"Flags differ for {input}");
        Assert.True(expected.ErrorMessage.SequenceEqual(actual.ErrorMessage), $"Error message differs for {input}");
    }
}
