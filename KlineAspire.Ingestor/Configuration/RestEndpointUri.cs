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
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri))
        {
            problem = "it is not an absolute URL; use an http:// or https:// URL such as https://api.binance.com.";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            problem = $"the scheme '{uri.Scheme}' is not http or https; exchangeInfo is a REST request.";
            return false;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            problem = "it has a query or fragment; give the base URL only, the ingestor adds the request path.";
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

    public static Uri ExchangeInfo(string endpoint) =>
        TryCreate(endpoint, out var uri, out var problem) ? new Uri(uri, "api/v3/exchangeInfo") : throw new ArgumentException(problem, nameof(endpoint));
}
