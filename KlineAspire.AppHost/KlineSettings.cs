using System.Text.RegularExpressions;

namespace KlineAspire.AppHost;

/// <summary>
/// The AppHost's own settings (appsettings.json, command line such as <c>--Feed simulated</c>, or environment).
/// Invalid values stop the AppHost with a message naming the key and the value.
/// </summary>
internal sealed partial record KlineSettings(
    KlineFeed Feed,
    string Symbols,
    string Intervals,
    PrometheusMode PrometheusMode,
    int PrometheusPort,
    string ScrapeInterval,
    bool PrometheusExternal,
    string? PrometheusExecutable,
    int SyntheticSymbols)
{
    public const string DefaultSymbols = "BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT";

    public static KlineSettings From(IConfiguration configuration)
    {
        var feed = ParseEnum<KlineFeed>(configuration, "Feed", KlineFeed.Binance);
        var mode = ParseEnum<PrometheusMode>(configuration, "Prometheus:Mode", PrometheusMode.Auto);
        var port = configuration["Prometheus:Port"] is { Length: > 0 } portText
            ? int.TryParse(portText, out var p) && p is >= 0 and <= 65535 ? p : throw Invalid("Prometheus:Port", portText, "a TCP port between 0 and 65535")
            : 9090;
        var interval = configuration["Prometheus:ScrapeInterval"] is { Length: > 0 } intervalText ? intervalText : "5s";
        if (!PrometheusDuration().IsMatch(interval))
        {
            throw Invalid("Prometheus:ScrapeInterval", interval, "a Prometheus duration such as 1s, 5s or 500ms");
        }

        var external = configuration["Prometheus:External"] is { Length: > 0 } externalText
            ? bool.TryParse(externalText, out var e) ? e : throw Invalid("Prometheus:External", externalText, "true or false")
            : false;
        var synthetic = configuration["Simulator:SyntheticSymbols"] is { Length: > 0 } syntheticText
            ? int.TryParse(syntheticText, out var n) && n >= 0 ? n : throw Invalid("Simulator:SyntheticSymbols", syntheticText, "a count of symbols, 0 or more")
            : 0;
        return new KlineSettings(
            feed,
            configuration["Market:Symbols"] is { Length: > 0 } symbols ? symbols : DefaultSymbols,
            configuration["Market:Intervals"] is { Length: > 0 } intervals ? intervals : "1m",
            mode,
            port,
            interval,
            external,
            configuration["Prometheus:Executable"],
            synthetic);
    }

    private static T ParseEnum<T>(IConfiguration configuration, string key, T fallback)
        where T : struct, Enum
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw Invalid(key, text, string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"Configuration '{key}' = '{value}' is not valid; expected {expected}.");

    [GeneratedRegex("^[0-9]+(ms|s|m|h)$")]
    private static partial Regex PrometheusDuration();
}
