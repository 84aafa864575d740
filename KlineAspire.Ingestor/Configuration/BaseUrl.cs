using System.Diagnostics.CodeAnalysis;

namespace KlineAspire.Ingestor.Configuration;

/// <summary>The checks every configured base URL gets: absolute, one of the expected schemes, no query or fragment.</summary>
internal static class BaseUrl
{
    /// <param name="expected">What to use instead, e.g. "a ws:// or wss:// URL such as wss://stream.binance.com:9443".</param>
    /// <param name="wrongScheme">Why another scheme will not do, after "the scheme 'x' is not ...".</param>
    /// <param name="addedPath">What the ingestor appends itself, e.g. "stream path".</param>
    public static bool TryParse(string? endpoint, string[] schemes, string expected, string wrongScheme, string addedPath,
        [NotNullWhen(true)] out Uri? uri, [NotNullWhen(false)] out string? problem)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            problem = $"it is empty; use {expected}.";
            return false;
        }

        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var parsed))
        {
            problem = $"it is not an absolute URL; use {expected}.";
            return false;
        }

        if (!schemes.Contains(parsed.Scheme))
        {
            problem = $"the scheme '{parsed.Scheme}' is not {wrongScheme}.";
            return false;
        }

        if (parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            problem = $"it has a query or fragment; give the base URL only, the ingestor adds the {addedPath}.";
            return false;
        }

        uri = parsed;
        problem = null;
        return true;
    }
}
