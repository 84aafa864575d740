using System.Text.Json;

namespace KlineAspire.Simulator;

public static class SimulatorEndpoints
{
    /// <summary>
    /// Binance's paths (<c>/ws</c>, <c>/ws/&lt;streams&gt;</c>, <c>/stream</c>, <c>/stream?streams=a/b</c>) plus a
    /// small control API for demos and end-to-end checks.
    /// </summary>
    public static IEndpointRouteBuilder MapBinanceSimulator(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws/{**streams}", (HttpContext context, WebSocketSession session, string? streams) =>
            session.HandleAsync(context, combined: false, Split(streams)));
        endpoints.Map("/stream", (HttpContext context, WebSocketSession session) =>
            session.HandleAsync(context, combined: true, Split(context.Request.Query["streams"].ToString())));

        var api = endpoints.MapGroup("/api");
        api.MapGet("/last", (BinanceSimulator simulator) =>
            simulator.LastSent.Values.OrderBy(c => c.Symbol, StringComparer.Ordinal).ThenBy(c => c.Interval, StringComparer.Ordinal));
        api.MapGet("/stats", (BinanceSimulator simulator) => new SimulatorStats(
            simulator.OpenConnections,
            simulator.ConnectionAttempts,
            simulator.RefusedConnectionAttempts,
            simulator.SubscribedStreams.Count,
            simulator.RateLimitViolations,
            simulator.StreamLimitViolations,
            simulator.MaxObservedIncomingMessagesPerSecond,
            simulator.FeedPaused));
        api.MapPost("/feed/pause", async (BinanceSimulator simulator) =>
        {
            await simulator.PauseFeedAsync();
            return Results.NoContent();
        });
        api.MapPost("/feed/resume", (BinanceSimulator simulator) =>
        {
            simulator.FeedPaused = false;
            return Results.NoContent();
        });
        api.MapGet("/faults", (SimulatorFaults faults) => faults);
        api.MapPost("/faults", (SimulatorFaults faults, JsonElement body) =>
        {
            faults.CopyFrom(body.Deserialize<SimulatorFaults>(JsonSerializerOptions.Web) ?? new SimulatorFaults());
            return faults;
        });
        return endpoints;
    }

    private static string[] Split(string? streams) =>
        string.IsNullOrEmpty(streams) ? [] : streams.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
