using System.Text.Json;

namespace KlineAspire.Simulator;

/// <summary>
/// Binance's JSON control protocol: SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY, GET_PROPERTY, with
/// results and wrapped errors echoing the request id.
/// </summary>
internal sealed class ControlMessageHandler(SimulatorOptions options, SimulatorFaults faults, LimitViolations violations)
{
    /// <summary>Applies the request to the connection and returns the response to send, or null for none.</summary>
    public string? Handle(SimulatorConnection connection, ReadOnlySpan<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.ToArray());
        }
        catch (JsonException ex)
        {
            return Error(3, $"Invalid JSON: {ex.Message}", "null");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Error(3, "Invalid JSON: expected an object", "null");
            }

            if (!TryReadId(root, out var id))
            {
                return Error(2, "Invalid request: 'id' must be an integer, an alphanumeric string of up to 36 characters or null", "null");
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String)
            {
                return Error(2, "Invalid request: missing field 'method'", id);
            }

            var hasParams = root.TryGetProperty("params", out var parameters);
            if (hasParams && parameters.ValueKind != JsonValueKind.Array)
            {
                return Error(1, "Invalid value type: expected 'params' to be an array", id);
            }

            return method.GetString() switch
            {
                "SUBSCRIBE" => Subscribe(connection, hasParams ? parameters : default, id),
                "UNSUBSCRIBE" => Unsubscribe(connection, hasParams ? parameters : default, id),
                "LIST_SUBSCRIPTIONS" => Result(JsonSerializer.Serialize(connection.Streams.Order(StringComparer.Ordinal)), id),
                "SET_PROPERTY" => SetProperty(connection, hasParams ? parameters : default, id),
                "GET_PROPERTY" => GetProperty(connection, hasParams ? parameters : default, id),
                _ => Error(2, "Invalid request: unknown method", id),
            };
        }
    }

    private string? Subscribe(SimulatorConnection connection, JsonElement parameters, string id)
    {
        if (!TryReadStreams(parameters, out var streams, out var error))
        {
            return Error(2, error, id);
        }

        if (faults.IgnoreSubscribes)
        {
            return null;
        }

        var after = connection.Streams.Union(streams, StringComparer.Ordinal).Count();
        if (after > options.MaxStreamsPerConnection)
        {
            violations.RecordStreamLimit();
            return Error(4, "Too many subscriptions", id);
        }

        connection.Subscribe(streams);
        return Result("null", id);
    }

    private static string Unsubscribe(SimulatorConnection connection, JsonElement parameters, string id)
    {
        if (!TryReadStreams(parameters, out var streams, out var error))
        {
            return Error(2, error, id);
        }

        connection.Unsubscribe(streams);
        return Result("null", id);
    }

    private static string SetProperty(SimulatorConnection connection, JsonElement parameters, string id)
    {
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() != 2)
        {
            return Error(2, "Invalid request: SET_PROPERTY takes a property name and a value", id);
        }

        if (parameters[0].ValueKind != JsonValueKind.String || parameters[0].GetString() != "combined")
        {
            return Error(0, "Unknown property", id);
        }

        if (parameters[1].ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return Error(1, "Invalid value type: expected Boolean", id);
        }

        connection.Combined = parameters[1].GetBoolean();
        return Result("null", id);
    }

    private static string GetProperty(SimulatorConnection connection, JsonElement parameters, string id)
    {
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() != 1)
        {
            return Error(2, "Invalid request: GET_PROPERTY takes a property name", id);
        }

        return parameters[0].ValueKind == JsonValueKind.String && parameters[0].GetString() == "combined"
            ? Result(connection.Combined ? "true" : "false", id)
            : Error(0, "Unknown property", id);
    }

    private static bool TryReadStreams(JsonElement parameters, out List<string> streams, out string error)
    {
        streams = [];
        error = string.Empty;
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() == 0)
        {
            error = "Invalid request: missing field 'params'";
            return false;
        }

        foreach (var item in parameters.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !StreamNames.IsValid(item.GetString()!))
            {
                error = $"Invalid request: invalid stream name {item.GetRawText()}";
                return false;
            }

            streams.Add(item.GetString()!);
        }

        return true;
    }

    private static bool TryReadId(JsonElement root, out string id)
    {
        id = "null";
        if (!root.TryGetProperty("id", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _))
        {
            id = element.GetRawText();
            return true;
        }

        if (element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 and <= 36 } text && text.All(char.IsAsciiLetterOrDigit))
        {
            id = element.GetRawText();
            return true;
        }

        return false;
    }

    private static string Result(string resultJson, string id) => $$"""{"result":{{resultJson}},"id":{{id}}}""";

    private static string Error(int code, string message, string id) =>
        $$"""{"error":{"code":{{code}},"msg":{{JsonSerializer.Serialize(message)}}},"id":{{id}}}""";
}
