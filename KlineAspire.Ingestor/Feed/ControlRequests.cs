using System.Text.Json;
using System.Text.Json.Serialization;

namespace KlineAspire.Ingestor.Feed;

/// <summary>The JSON of the control requests the ingestor sends (see docs/binance-protocol.md, "Control messages").</summary>
internal static class ControlRequests
{
    /// <summary>SUBSCRIBE or UNSUBSCRIBE: the same shape, a list of stream names.</summary>
    public static string StreamRequest(string method, long id, IEnumerable<string> streams) =>
        JsonSerializer.Serialize(new ControlRequest(method, [.. streams], id), ControlRequestContext.Default.ControlRequest);

    public static string ListSubscriptions(long id) =>
        JsonSerializer.Serialize(new ControlRequest("LIST_SUBSCRIPTIONS", null, id), ControlRequestContext.Default.ControlRequest);

    /// <summary>The stream names of a LIST_SUBSCRIPTIONS result, <c>{"result":["btcusdt@kline_1m",...],"id":N}</c>.</summary>
    public static HashSet<string> ReadSubscriptionList(byte[] frame)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(frame);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("result"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("the LIST_SUBSCRIPTIONS result is not an array");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    names.Add(reader.GetString()!);
                }

                return names;
            }
        }

        throw new JsonException("the LIST_SUBSCRIPTIONS reply has no result");
    }
}

internal sealed record ControlRequest(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("params"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string[]? Params,
    [property: JsonPropertyName("id")] long Id);

[JsonSerializable(typeof(ControlRequest))]
internal sealed partial class ControlRequestContext : JsonSerializerContext;
