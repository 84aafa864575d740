using System.Globalization;

namespace KlineAspire.AppHost;

/// <summary>What the offline exchange lists.</summary>
internal static class SimulatorResourceBuilderExtensions
{
    /// <summary>
    /// Lists the market's literal symbols on the simulator, so that the ingestor's check of them passes whatever the watch
    /// list, and adds <c>Simulator:SyntheticSymbols</c> generated symbols for patterns to select from. The symbols are read
    /// from the same <c>symbols</c> parameter the ingestor gets; the simulator's default universe stays listed.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMarketListing(this IResourceBuilder<ProjectResource> simulator, MarketParameters market,
        KlineSettings settings) => simulator
        .WithEnvironment("Simulator__SyntheticSymbols", settings.SyntheticSymbols.ToString(CultureInfo.InvariantCulture))
        .WithEnvironment(async context =>
        {
            var symbols = await market.Symbols.Resource.GetValueAsync(context.CancellationToken) ?? string.Empty;
            var literals = MarketSymbols.Literals(symbols);
            for (var index = 0; index < literals.Count; index++)
            {
                context.EnvironmentVariables[$"Simulator__ExtraSymbols__{index}"] = literals[index];
            }
        });
}
