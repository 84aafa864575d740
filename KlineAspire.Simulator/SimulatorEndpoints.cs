namespace KlineAspire.Simulator;

public static class SimulatorEndpoints
{
    /// <summary>
    /// Binance's WebSocket paths (<c>/ws</c>, <c>/ws/&lt;streams&gt;</c>, <c>/stream</c>, <c>/stream?streams=a/b</c>), its
    /// market-data REST endpoints (<c>/api/v3/...</c>), and the simulator's control API for tests and demos.
    /// </summary>
    public static IEndpointRouteBuilder MapBinanceSimulator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws/{**streams}", (HttpContext context, WebSocketSession session, string? streams) =>
            session.HandleAsync(context, combined: false, Split(streams)));
        endpoints.Map("/stream", (HttpContext context, WebSocketSession session) =>
            session.HandleAsync(context, combined: true, Split(context.Request.Query["streams"].ToString())));
        endpoints.MapBinanceRest();
        endpoints.MapControlApi();
        return endpoints;
    }

    private static string[] Split(string? streams) =>
        string.IsNullOrEmpty(streams) ? [] : streams.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
