namespace KlineAspire.AppHost;

/// <summary>Where market data comes from: the real exchange, or the bundled simulator for offline runs.</summary>
public enum KlineFeed
{
    Binance,
    Simulated,
}
