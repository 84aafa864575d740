namespace KlineAspire.AppHost;

/// <summary>The market selection (symbols × intervals) and the feed the ingestor connects to.</summary>
internal static class MarketResourceBuilderExtensions
{
    /// <summary>
    /// Symbols and intervals as AppHost parameters, defaulted from configuration so azd deploys them without prompting.
    /// Symbols may hold patterns (<c>*USDT</c>, <c>BTC*</c>); they reach the ingestor verbatim, because an environment
    /// variable is no shell and the Container Apps template single-quotes the value (a bare <c>*</c> would start a YAML alias).
    /// </summary>
    public static MarketParameters AddMarketParameters(this IDistributedApplicationBuilder builder, KlineSettings settings) => new(
        builder.AddParameter("symbols", settings.Symbols, publishValueAsDefault: true),
        builder.AddParameter("intervals", settings.Intervals, publishValueAsDefault: true));

    public static IResourceBuilder<ProjectResource> WithMarket(this IResourceBuilder<ProjectResource> ingestor, MarketParameters market) => ingestor
        .WithEnvironment("Binance__Symbols", market.Symbols)
        .WithEnvironment("Binance__Intervals", market.Intervals);

    /// <summary>
    /// Points the ingestor at the simulator instead of Binance, for streams (WebSocket) and for exchangeInfo (REST, which
    /// symbol patterns and the check of literal symbols read), and starts it after the simulator.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSimulatedFeed(this IResourceBuilder<ProjectResource> ingestor,
        IResourceBuilder<ProjectResource> simulator)
    {
        var endpoint = simulator.GetEndpoint("http");
        return ingestor
            .WithEnvironment("Binance__Endpoint", ReferenceExpression.Create($"ws://{endpoint.Property(EndpointProperty.HostAndPort)}"))
            .WithEnvironment("Binance__RestEndpoint", ReferenceExpression.Create($"http://{endpoint.Property(EndpointProperty.HostAndPort)}"))
            .WaitFor(simulator);
    }
}

internal sealed record MarketParameters(IResourceBuilder<ParameterResource> Symbols, IResourceBuilder<ParameterResource> Intervals);
