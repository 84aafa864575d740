namespace KlineAspire.Ingestor.Parsing;

/// <summary>
/// A strict, allocation-free scanner for the common case: a raw or combined kline event in compact JSON, keys of
/// one letter, no whitespace, no escapes, integers without sign or exponent, prices and volumes as plain decimal
/// strings. It accepts only input that is valid JSON and produces exactly the <see cref="ParsedFrame"/> the general
/// parser would; anything it is not sure about (another shape, a duplicate key, a missing field, whitespace, a
/// malformed byte) makes it return false without a verdict, and the general parser decides. Field order is free.
/// </summary>
internal static class KlineFastPath
{
    // 2^53: below it every integer is exact in a double.
    private const ulong MaxExactMantissa = 1UL << 53;
    private const int MaxIntegerDigits = 18;

    private static ReadOnlySpan<byte> Utc8Suffix => "@+08:00"u8;

    // Powers of ten that are exact in a double: m / 10^k with both exact is correctly rounded (IEEE division),
    // which is what double.Parse returns too.
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    [Flags]
    private enum Seen
    {
        None = 0,
        Event = 1 << 0,
        EventTime = 1 << 1,
        TopSymbol = 1 << 2,
        Kline = 1 << 3,
        OpenTime = 1 << 4,
        CloseTime = 1 << 5,
        KlineSymbol = 1 << 6,
        Interval = 1 << 7,
        FirstTrade = 1 << 8,
        LastTrade = 1 << 9,
        Open = 1 << 10,
        Close = 1 << 11,
        High = 1 << 12,
        Low = 1 << 13,
        BaseVolume = 1 << 14,
        Trades = 1 << 15,
        IsClosed = 1 << 16,
        QuoteVolume = 1 << 17,
        TakerBuyBase = 1 << 18,
        TakerBuyQuote = 1 << 19,
        RequiredTop = Event | EventTime | Kline,
        RequiredKline = OpenTime | CloseTime | Interval | Open | Close | High | Low | BaseVolume | Trades | IsClosed
            | QuoteVolume | TakerBuyBase | TakerBuyQuote,
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, ref ParsedFrame frame)
    {
        frame = default;
        var pos = 0;
        var seen = Seen.None;
        var stream = ReadOnlySpan<byte>.Empty;
        bool ok;
        if (utf8.StartsWith("{\"stream\":\""u8))
        {
            pos = 11;
            ok = ReadStringBody(utf8, ref pos, out stream)
                && Expect(utf8, ref pos, ",\"data\":"u8)
                && ReadEvent(utf8, ref pos, ref frame, ref seen)
                && Expect(utf8, ref pos, "}"u8);
        }
        else
        {
            ok = ReadEvent(utf8, ref pos, ref frame, ref seen);
        }

        if (!ok
            || pos != utf8.Length
            || (seen & Seen.RequiredTop) != Seen.RequiredTop
            || (seen & Seen.RequiredKline) != Seen.RequiredKline
            || (seen & (Seen.TopSymbol | Seen.KlineSymbol)) == 0)
        {
            frame = default;
            return false;
        }

        frame.Kind = FrameKind.Kline;
        frame.Utc8 = stream.EndsWith(Utc8Suffix);
        return true;
    }

    /// <summary>An event object, from its <c>{</c> through its <c>}</c>.</summary>
    private static bool ReadEvent(ReadOnlySpan<byte> utf8, scoped ref int pos, ref ParsedFrame frame, ref Seen seen)
    {
        if (!Expect(utf8, ref pos, "{"u8))
        {
            return false;
        }

        while (true)
        {
            if (!ReadKey(utf8, ref pos, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                (byte)'e' => Mark(ref seen, Seen.Event) && Expect(utf8, ref pos, "\"kline\""u8),
                (byte)'E' => Mark(ref seen, Seen.EventTime) && ReadInteger(utf8, ref pos, out frame.EventTime),
                (byte)'s' => Mark(ref seen, Seen.TopSymbol) && ReadText(utf8, ref pos, out frame.Symbol),
                (byte)'k' => Mark(ref seen, Seen.Kline) && ReadKline(utf8, ref pos, ref frame, ref seen),
                _ => false,
            };
            if (!ok || !NextMember(utf8, ref pos, out var more))
            {
                return false;
            }

            if (!more)
            {
                return true;
            }
        }
    }

    private static bool ReadKline(ReadOnlySpan<byte> utf8, scoped ref int pos, ref ParsedFrame frame, ref Seen seen)
    {
        if (!Expect(utf8, ref pos, "{"u8))
        {
            return false;
        }

        while (true)
        {
            if (!ReadKey(utf8, ref pos, out var key))
            {
                return false;
            }

            var ok = key switch
            {
                (byte)'t' => Mark(ref seen, Seen.OpenTime) && ReadInteger(utf8, ref pos, out frame.OpenTime),
                (byte)'T' => Mark(ref seen, Seen.CloseTime) && ReadInteger(utf8, ref pos, out frame.CloseTime),
                (byte)'s' => Mark(ref seen, Seen.KlineSymbol) && ReadText(utf8, ref pos, out frame.Symbol),
                (byte)'i' => Mark(ref seen, Seen.Interval) && ReadText(utf8, ref pos, out frame.Interval),
                (byte)'f' => Mark(ref seen, Seen.FirstTrade) && ReadInteger(utf8, ref pos, out frame.FirstTradeId),
                (byte)'L' => Mark(ref seen, Seen.LastTrade) && ReadInteger(utf8, ref pos, out frame.LastTradeId),
                (byte)'o' => Mark(ref seen, Seen.Open) && ReadDecimal(utf8, ref pos, out frame.Open),
                (byte)'c' => Mark(ref seen, Seen.Close) && ReadDecimal(utf8, ref pos, out frame.Close),
                (byte)'h' => Mark(ref seen, Seen.High) && ReadDecimal(utf8, ref pos, out frame.High),
                (byte)'l' => Mark(ref seen, Seen.Low) && ReadDecimal(utf8, ref pos, out frame.Low),
                (byte)'v' => Mark(ref seen, Seen.BaseVolume) && ReadDecimal(utf8, ref pos, out frame.BaseVolume),
                (byte)'q' => Mark(ref seen, Seen.QuoteVolume) && ReadDecimal(utf8, ref pos, out frame.QuoteVolume),
                (byte)'V' => Mark(ref seen, Seen.TakerBuyBase) && ReadDecimal(utf8, ref pos, out frame.TakerBuyBaseVolume),
                (byte)'Q' => Mark(ref seen, Seen.TakerBuyQuote) && ReadDecimal(utf8, ref pos, out frame.TakerBuyQuoteVolume),
                (byte)'n' => Mark(ref seen, Seen.Trades) && ReadInteger(utf8, ref pos, out frame.Trades),
                (byte)'x' => Mark(ref seen, Seen.IsClosed) && ReadBoolean(utf8, ref pos, out frame.IsClosed),
                // Fields the general parser skips ("B" and any future one), as long as they are plain strings.
                _ => SkipQuotedString(utf8, ref pos),
            };
            if (!ok || !NextMember(utf8, ref pos, out var more))
            {
                return false;
            }

            if (!more)
            {
                return true;
            }
        }
    }

    /// <summary>A duplicate key means "last wins" in the general parser; leave such frames to it.</summary>
    private static bool Mark(ref Seen seen, Seen field)
    {
        if ((seen & field) != 0)
        {
            return false;
        }

        seen |= field;
        return true;
    }

    /// <summary><c>"k":</c> with a single ASCII letter as the key.</summary>
    private static bool ReadKey(ReadOnlySpan<byte> utf8, scoped ref int pos, out byte key)
    {
        if (pos + 4 > utf8.Length || utf8[pos] != (byte)'"' || utf8[pos + 2] != (byte)'"' || utf8[pos + 3] != (byte)':'
            || !char.IsAsciiLetter((char)utf8[pos + 1]))
        {
            key = 0;
            return false;
        }

        key = utf8[pos + 1];
        pos += 4;
        return true;
    }

    /// <summary>After a value: <c>,</c> (another member follows) or <c>}</c> (the object ends).</summary>
    private static bool NextMember(ReadOnlySpan<byte> utf8, scoped ref int pos, out bool more)
    {
        more = false;
        if (pos >= utf8.Length)
        {
            return false;
        }

        var next = utf8[pos++];
        more = next == (byte)',';
        return more || next == (byte)'}';
    }

    private static bool Expect(ReadOnlySpan<byte> utf8, scoped ref int pos, ReadOnlySpan<byte> expected)
    {
        if (!utf8[pos..].StartsWith(expected))
        {
            return false;
        }

        pos += expected.Length;
        return true;
    }

    /// <summary>From after the opening quote through the closing one: printable ASCII, no backslash.</summary>
    private static bool SkipString(ReadOnlySpan<byte> utf8, scoped ref int pos) => ReadStringBody(utf8, ref pos, out _);

    private static bool SkipQuotedString(ReadOnlySpan<byte> utf8, scoped ref int pos)
    {
        if (pos >= utf8.Length || utf8[pos] != (byte)'"')
        {
            return false;
        }

        pos++;
        return SkipString(utf8, ref pos);
    }

    private static bool ReadStringBody(ReadOnlySpan<byte> utf8, scoped ref int pos, out ReadOnlySpan<byte> value)
    {
        var start = pos;
        while (pos < utf8.Length)
        {
            var current = utf8[pos];
            if (current == (byte)'"')
            {
                value = utf8[start..pos];
                pos++;
                return true;
            }

            if (current < 0x20 || current > 0x7E || current == (byte)'\\')
            {
                break;
            }

            pos++;
        }

        value = default;
        return false;
    }

    /// <summary>A non-empty string (symbol, interval), as a slice of the input.</summary>
    private static bool ReadText(ReadOnlySpan<byte> utf8, scoped ref int pos, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (pos >= utf8.Length || utf8[pos] != (byte)'"')
        {
            return false;
        }

        pos++;
        return ReadStringBody(utf8, ref pos, out value) && value.Length > 0;
    }

    /// <summary>A JSON integer without sign, fraction or exponent, short enough never to overflow.</summary>
    private static bool ReadInteger(ReadOnlySpan<byte> utf8, scoped ref int pos, out long value)
    {
        value = 0;
        var start = pos;
        while (pos < utf8.Length && (uint)(utf8[pos] - '0') <= 9)
        {
            value = value * 10 + (utf8[pos] - '0');
            pos++;
        }

        var digits = pos - start;
        // JSON forbids leading zeros; "0" alone is fine.
        return digits is > 0 and <= MaxIntegerDigits && (utf8[start] != (byte)'0' || digits == 1);
    }

    private static bool ReadBoolean(ReadOnlySpan<byte> utf8, scoped ref int pos, out bool value)
    {
        value = Expect(utf8, ref pos, "true"u8);
        return value || Expect(utf8, ref pos, "false"u8);
    }

    /// <summary>A string of digits with at most one decimal point, e.g. <c>"364.60000000"</c>.</summary>
    private static bool ReadDecimal(ReadOnlySpan<byte> utf8, scoped ref int pos, out double value)
    {
        value = 0;
        if (pos >= utf8.Length || utf8[pos] != (byte)'"')
        {
            return false;
        }

        var start = ++pos;
        ulong mantissa = 0;
        var digits = 0;
        var point = -1;
        var exact = true;
        while (pos < utf8.Length)
        {
            var current = utf8[pos];
            var digit = (uint)(current - '0');
            if (digit <= 9)
            {
                if (mantissa > (ulong.MaxValue - 9) / 10)
                {
                    exact = false;
                }
                else
                {
                    mantissa = mantissa * 10 + digit;
                }

                digits++;
            }
            else if (current == (byte)'.' && point < 0)
            {
                point = pos;
            }
            else
            {
                break;
            }

            pos++;
        }

        if (digits == 0 || pos >= utf8.Length || utf8[pos] != (byte)'"')
        {
            return false;
        }

        var text = utf8[start..pos];
        pos++;
        var scale = point < 0 ? 0 : text.Length - 1 - (point - start);
        if (exact && mantissa <= MaxExactMantissa && scale < ExactPowersOfTen.Length)
        {
            value = mantissa / ExactPowersOfTen[scale];
            return true;
        }

        // Long or very precise numbers: the general parser's own routine, so the result is the same.
        return KlineFrameParser.TryParseUnsignedDecimal(text, out value) && double.IsFinite(value);
    }
}
