using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace KlineAspire.Ingestor.Parsing;

/// <summary>
/// Parses one Binance frame (raw or combined kline event, control reply, <c>serverShutdown</c>) straight from
/// UTF-8 bytes. It never throws and allocates nothing on well-formed frames; decimal strings are parsed to the
/// nearest double, which is what Prometheus stores.
/// </summary>
public static class KlineFrameParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    [Flags]
    private enum Fields
    {
        None = 0,
        EventTime = 1 << 0,
        Symbol = 1 << 1,
        OpenTime = 1 << 2,
        CloseTime = 1 << 3,
        Interval = 1 << 4,
        Open = 1 << 5,
        Close = 1 << 6,
        High = 1 << 7,
        Low = 1 << 8,
        BaseVolume = 1 << 9,
        Trades = 1 << 10,
        IsClosed = 1 << 11,
        QuoteVolume = 1 << 12,
        TakerBuyBase = 1 << 13,
        TakerBuyQuote = 1 << 14,
        KlineObject = 1 << 15,
        Required = EventTime | Symbol | OpenTime | CloseTime | Interval | Open | Close | High | Low | BaseVolume
            | Trades | IsClosed | QuoteVolume | TakerBuyBase | TakerBuyQuote | KlineObject,
    }

    private enum EventType
    {
        None,
        Kline,
        ServerShutdown,
        Other,
    }

    private ref struct State
    {
        public Fields Seen;
        public EventType Event;
        public bool HasResult;
    }

    public static void Parse(ReadOnlySpan<byte> utf8, ref ParsedFrame frame)
    {
        // Nearly every frame is a kline event laid out the way Binance writes it; a strict scanner takes those in a
        // fraction of the general reader's time and hands anything else, valid or not, to the general parser.
        if (!KlineFastPath.TryParse(utf8, ref frame))
        {
            ParseGeneral(utf8, ref frame);
        }
    }

    /// <summary>The general parser: any JSON, any field order, every error classified.</summary>
    internal static void ParseGeneral(ReadOnlySpan<byte> utf8, ref ParsedFrame frame)
    {
        frame = default;
        if (!Utf8.IsValid(utf8))
        {
            Fail(ref frame, InvalidFrameReason.InvalidUtf8, "frame");
            return;
        }

        var state = default(State);
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                Fail(ref frame, InvalidFrameReason.InvalidJson, "frame is not a JSON object");
                return;
            }

            if (!ReadEventObject(ref reader, ref frame, ref state))
            {
                return;
            }

            if (reader.Read())
            {
                Fail(ref frame, InvalidFrameReason.InvalidJson, "content after the object");
                return;
            }
        }
        catch (JsonException)
        {
            Fail(ref frame, InvalidFrameReason.InvalidJson, "malformed JSON");
            return;
        }

        Classify(ref frame, in state);
    }

    private static void Classify(ref ParsedFrame frame, in State state)
    {
        switch (state.Event)
        {
            case EventType.Kline when (state.Seen & Fields.Required) == Fields.Required:
                frame.Kind = FrameKind.Kline;
                break;
            case EventType.Kline:
                Fail(ref frame, InvalidFrameReason.MissingField, MissingFieldName(state.Seen));
                break;
            case EventType.ServerShutdown:
                frame.Kind = FrameKind.ServerShutdown;
                break;
            case EventType.Other:
                Fail(ref frame, InvalidFrameReason.UnknownEvent, "e");
                break;
            default:
                if (state.HasResult || frame.HasError || frame.HasResponseId)
                {
                    frame.Kind = FrameKind.Response;
                }
                else
                {
                    Fail(ref frame, InvalidFrameReason.MissingField, "e");
                }

                break;
        }
    }

    /// <summary>Reads the properties of a raw event, a combined wrapper (recursing into <c>data</c>) or a reply.</summary>
    private static bool ReadEventObject(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();

            if (escaped)
            {
                reader.Skip();
            }
            else if (name.Length == 1)
            {
                if (!ReadEventField(name[0], ref reader, ref frame, ref state))
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("data"u8))
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return Fail(ref frame, InvalidFrameReason.InvalidValue, "data");
                }

                if (!ReadEventObject(ref reader, ref frame, ref state))
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("stream"u8) && reader.TokenType == JsonTokenType.String)
            {
                frame.Utc8 = !reader.ValueIsEscaped && reader.ValueSpan.EndsWith("@+08:00"u8);
            }
            else if (name.SequenceEqual("id"u8))
            {
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var id))
                {
                    frame.HasResponseId = true;
                    frame.ResponseId = id;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (name.SequenceEqual("result"u8))
            {
                state.HasResult = true;
                reader.Skip();
            }
            else if (name.SequenceEqual("error"u8))
            {
                if (!ReadError(ref reader, ref frame))
                {
                    return false;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return Fail(ref frame, InvalidFrameReason.InvalidJson, "truncated object");
    }

    private static bool ReadEventField(byte name, ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state)
    {
        switch (name)
        {
            case (byte)'e':
                if (reader.TokenType != JsonTokenType.String)
                {
                    return Fail(ref frame, InvalidFrameReason.InvalidValue, "e");
                }

                state.Event = reader.ValueTextEquals("kline"u8) ? EventType.Kline
                    : reader.ValueTextEquals("serverShutdown"u8) ? EventType.ServerShutdown
                    : EventType.Other;
                return true;
            case (byte)'E':
                return ReadInt64(ref reader, ref frame, ref state, Fields.EventTime, ref frame.EventTime, "E");
            case (byte)'s':
                return ReadText(ref reader, ref frame, ref state, Fields.Symbol, ref frame.Symbol, "s");
            case (byte)'k':
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return Fail(ref frame, InvalidFrameReason.InvalidValue, "k");
                }

                state.Seen |= Fields.KlineObject;
                return ReadKline(ref reader, ref frame, ref state);
            default:
                reader.Skip();
                return true;
        }
    }

    private static bool ReadKline(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return true;
            }

            var name = reader.ValueSpan;
            var simple = name.Length == 1 && !reader.ValueIsEscaped;
            reader.Read();
            if (!simple)
            {
                reader.Skip();
                continue;
            }

            var ok = name[0] switch
            {
                (byte)'t' => ReadInt64(ref reader, ref frame, ref state, Fields.OpenTime, ref frame.OpenTime, "k.t"),
                (byte)'T' => ReadInt64(ref reader, ref frame, ref state, Fields.CloseTime, ref frame.CloseTime, "k.T"),
                (byte)'s' => ReadText(ref reader, ref frame, ref state, Fields.Symbol, ref frame.Symbol, "k.s"),
                (byte)'i' => ReadText(ref reader, ref frame, ref state, Fields.Interval, ref frame.Interval, "k.i"),
                (byte)'f' => ReadInt64(ref reader, ref frame, ref state, Fields.None, ref frame.FirstTradeId, "k.f"),
                (byte)'L' => ReadInt64(ref reader, ref frame, ref state, Fields.None, ref frame.LastTradeId, "k.L"),
                (byte)'o' => ReadDecimal(ref reader, ref frame, ref state, Fields.Open, ref frame.Open, "k.o"),
                (byte)'c' => ReadDecimal(ref reader, ref frame, ref state, Fields.Close, ref frame.Close, "k.c"),
                (byte)'h' => ReadDecimal(ref reader, ref frame, ref state, Fields.High, ref frame.High, "k.h"),
                (byte)'l' => ReadDecimal(ref reader, ref frame, ref state, Fields.Low, ref frame.Low, "k.l"),
                (byte)'v' => ReadDecimal(ref reader, ref frame, ref state, Fields.BaseVolume, ref frame.BaseVolume, "k.v"),
                (byte)'q' => ReadDecimal(ref reader, ref frame, ref state, Fields.QuoteVolume, ref frame.QuoteVolume, "k.q"),
                (byte)'V' => ReadDecimal(ref reader, ref frame, ref state, Fields.TakerBuyBase, ref frame.TakerBuyBaseVolume, "k.V"),
                (byte)'Q' => ReadDecimal(ref reader, ref frame, ref state, Fields.TakerBuyQuote, ref frame.TakerBuyQuoteVolume, "k.Q"),
                (byte)'n' => ReadInt64(ref reader, ref frame, ref state, Fields.Trades, ref frame.Trades, "k.n"),
                (byte)'x' => ReadBoolean(ref reader, ref frame, ref state),
                _ => SkipValue(ref reader),
            };
            if (!ok)
            {
                return false;
            }
        }

        return Fail(ref frame, InvalidFrameReason.InvalidJson, "truncated kline");
    }

    private static bool ReadError(ref Utf8JsonReader reader, ref ParsedFrame frame)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(ref frame, InvalidFrameReason.InvalidValue, "error");
        }

        frame.HasError = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isCode = reader.ValueTextEquals("code"u8);
            var isMessage = reader.ValueTextEquals("msg"u8);
            reader.Read();
            if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
            {
                frame.ErrorCode = code;
            }
            else if (isMessage && reader.TokenType == JsonTokenType.String)
            {
                frame.ErrorMessage = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString() ?? string.Empty) : reader.ValueSpan;
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }

    private static bool ReadInt64(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state, Fields field, ref long target, string fieldName)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out target))
        {
            return Fail(ref frame, InvalidFrameReason.InvalidValue, fieldName);
        }

        state.Seen |= field;
        return true;
    }

    private static bool ReadText(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state, Fields field, ref ReadOnlySpan<byte> target,
        string fieldName)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length == 0)
        {
            return Fail(ref frame, InvalidFrameReason.InvalidValue, fieldName);
        }

        // Escapes are legal JSON but Binance never sends them; unescaping allocates, so only that rare path pays.
        target = reader.ValueIsEscaped ? Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        state.Seen |= field;
        return true;
    }

    private static bool ReadDecimal(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state, Fields field, ref double target, string fieldName)
    {
        var parsed = reader.TokenType switch
        {
            // Binance sends prices and volumes as 8-decimal strings: digits and one point, nothing else.
            JsonTokenType.String => !reader.ValueIsEscaped && TryParseUnsignedDecimal(reader.ValueSpan, out target),
            JsonTokenType.Number => reader.TryGetDouble(out target) && target >= 0,
            _ => false,
        };
        if (!parsed || !double.IsFinite(target))
        {
            return Fail(ref frame, InvalidFrameReason.InvalidValue, fieldName);
        }

        state.Seen |= field;
        return true;
    }

    internal static bool TryParseUnsignedDecimal(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);

    private static bool ReadBoolean(ref Utf8JsonReader reader, ref ParsedFrame frame, ref State state)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                frame.IsClosed = true;
                break;
            case JsonTokenType.False:
                frame.IsClosed = false;
                break;
            default:
                return Fail(ref frame, InvalidFrameReason.InvalidValue, "k.x");
        }

        state.Seen |= Fields.IsClosed;
        return true;
    }

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    /// <summary>Marks the frame invalid with its reason and the field at fault; false, so callers can return it.</summary>
    internal static bool Fail(ref ParsedFrame frame, InvalidFrameReason reason, string detail)
    {
        frame.Kind = FrameKind.Invalid;
        frame.Reason = reason;
        frame.Detail = detail;
        return false;
    }

    private static string MissingFieldName(Fields seen)
    {
        var missing = Fields.Required & ~seen;
        return missing switch
        {
            _ when missing.HasFlag(Fields.KlineObject) => "k",
            _ when missing.HasFlag(Fields.EventTime) => "E",
            _ when missing.HasFlag(Fields.Symbol) => "s",
            _ when missing.HasFlag(Fields.OpenTime) => "k.t",
            _ when missing.HasFlag(Fields.CloseTime) => "k.T",
            _ when missing.HasFlag(Fields.Interval) => "k.i",
            _ when missing.HasFlag(Fields.Open) => "k.o",
            _ when missing.HasFlag(Fields.Close) => "k.c",
            _ when missing.HasFlag(Fields.High) => "k.h",
            _ when missing.HasFlag(Fields.Low) => "k.l",
            _ when missing.HasFlag(Fields.BaseVolume) => "k.v",
            _ when missing.HasFlag(Fields.Trades) => "k.n",
            _ when missing.HasFlag(Fields.IsClosed) => "k.x",
            _ when missing.HasFlag(Fields.QuoteVolume) => "k.q",
            _ when missing.HasFlag(Fields.TakerBuyBase) => "k.V",
            _ => "k.Q",
        };
    }
}
