using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Ingestor settings that point its exchangeInfo reads at a simulator, with any further settings.</summary>
internal static class RestSettings
{
    public static Dictionary<string, string> Of(BinanceSimulator simulator, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string> { ["Binance:RestEndpoint"] = simulator.HttpBaseUri.ToString() };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
