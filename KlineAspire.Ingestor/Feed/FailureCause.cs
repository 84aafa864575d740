namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Words a failure for a log line. The handshake's failures come wrapped (Websocket.Client's "Failed to start…"
/// around the runtime's "Unable to connect to the remote server" around the socket's "Connection refused
/// (host:port)"): the line names each distinct cause once, outermost first, without the wrapper.
/// </summary>
internal static class FailureCause
{
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is Websocket.Client.Exceptions.WebsocketException && current.InnerException is not null)
            {
                continue;
            }

            var message = current.Message.Trim().TrimEnd('.');
            if (message.Length > 0 && !parts.Any(part => part.Contains(message, StringComparison.Ordinal)))
            {
                parts.Add(message);
            }
        }

        return parts.Count == 0 ? exception.GetType().Name : string.Join(": ", parts);
    }
}
