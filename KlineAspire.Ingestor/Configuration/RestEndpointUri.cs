using System.Diagnostics.CodeAnalysis;

namespace KlineAspire.Ingestor.Configuration;

/// <summary>
/// Checks the configured REST base (<c>https://api.binance.com</c>, <c>https://data-api.binance.vision</c>, a proxy
/// or the simulator). The ingestor appends <c>/api/v3/...</c> itself; a path prefix (a proxy) is kept.
/// </summary>
public static class RestEndpointUri
{
    public static bool TryCreate(string? endpoint, [NotNullWhen(true)] out Uri? baseUri, [NotNullWhen(false)] out string? problem)
    {
        baseUri = null;
        if (!BaseUrl.TryParse(endpoint, [Uri.UriSchemeHttp, Uri.UriSchemeHttps], "an http:// or https:// URL such as https://api.binance.com",
                "http or https; exchangeInfo is a REST request", "request path", out var uri, out problem))
        {
            return false;
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api/v3", StringComparison.Ordinal))
        {
            path = path[..^"/api/v3".Length];
        }

        baseUri = new UriBuilder(uri) { Path = path + "/" }.Uri;
        problem = null;
        return true;
    }

    public static Uri Klines(string endpoint) =>
        TryCreate(endpoint, out var uri, out var problem) ? new Uri(uri, "api/v3/klines") : throw new ArgumentException(problem, nameof(endpoint));

    public static Uri ExchangeInfo(string endpoint) =>
        TryCreate(endpoint, out var uri, out var problem) ? new Uri(uri, "api/v3/exchangeInfo") : throw new ArgumentException(problem, nameof(endpoint));
}
