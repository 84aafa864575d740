using System.Text.Json.Serialization;

namespace KlineAspire.Ingestor.Connections;

internal sealed record SubscribeMessage(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("params")] string[] Params,
    [property: JsonPropertyName("id")] long Id);

[JsonSerializable(typeof(SubscribeMessage))]
internal sealed partial class SubscribeMessageContext : JsonSerializerContext;
