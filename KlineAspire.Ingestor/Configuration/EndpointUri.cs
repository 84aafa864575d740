using System.Diagnostics.CodeAnalysis;

namespace KlineAspire.Ingestor.Configuration;

/// <summary>
/// Turns the configured base endpoint into the combined-stream URL. The ingestor owns the path so that the
/// same setting works for stream.binance.com, data-stream.binance.vision, Binance.US and a local simulator.
/// </summary>
public static class EndpointUri
{
    public const string CombinedStreamPath = "/stream";

    public static bool TryCreate(string? endpoint, [NotNullWhen(true)] out Uri? combinedStreamUri, [NotNullWhen(false)] out string? problem)
    {
        combinedStreamUri = null;
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            problem = "it is empty; use a ws:// or wss:// URL such as wss://stream.binance.com:9443.";
            return false;
        }

        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri))
        {
            problem = "it is not an absolute URL; use a ws:// or wss:// URL such as wss://stream.binance.com:9443.";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeWs && uri.Scheme != Uri.UriSchemeWss)
        {
            problem = $"the scheme '{uri.Scheme}' is not ws or wss; Binance market data is only served over WebSocket.";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = "it has a query or fragment; give the base URL only, the ingestor adds the stream path.";
            return false;
        }

        // A base URL that already names a stream path is accepted; a proxy prefix is kept.
        var path = uri.AbsolutePath.TrimEnd('/');
        foreach (var knownPath in new[] { "/ws", CombinedStreamPath })
        {
            if (path.EndsWith(knownPath, StringComparison.Ordinal))
            {
                path = path[..^knownPath.Length];
                break;
            }
        }

        combinedStreamUri = new UriBuilder(uri) { Path = path + CombinedStreamPath }.Uri;
        problem = null;
        return true;
    }

    public static Uri CombinedStream(string endpoint) =>
        TryCreate(endpoint, out var uri, out var problem) ? uri : throw new ArgumentException(problem, nameof(endpoint));
}
