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
        if (!BaseUrl.TryParse(endpoint, [Uri.UriSchemeWs, Uri.UriSchemeWss], "a ws:// or wss:// URL such as wss://stream.binance.com:9443",
                "ws or wss; Binance market data is only served over WebSocket", "stream path", out var uri, out problem))
        {
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
