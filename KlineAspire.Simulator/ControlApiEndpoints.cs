using System.Text.Json;

namespace KlineAspire.Simulator;

/// <summary>The simulator's own HTTP API under <c>/api</c> (not Binance's): readings, feed, quiet markets, listings, faults.</summary>
internal static class ControlApiEndpoints
{
    public static void MapControlApi(this IEndpointRouteBuilder endpoints)
    {
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
            simulator.FeedPaused,
            new SortedDictionary<string, long>(simulator.SentUpdates.ToDictionary(), StringComparer.Ordinal)));

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
        api.MapGet("/feed/quiet", (QuietStreams quiet) => new QuietSelection(quiet.Symbols, quiet.Streams));
        api.MapPost("/feed/quiet", (QuietStreams quiet, QuietSelection body) =>
        {
            quiet.Set(body.Symbols ?? [], body.Streams ?? []);
            return new QuietSelection(quiet.Symbols, quiet.Streams);
        });

        api.MapGet("/symbols", (SymbolUniverse symbols) => symbols.Listed);
        api.MapPost("/symbols", (SymbolUniverse symbols, SymbolListing body) =>
        {
            if (!ExchangeSymbol.TryCreate(body.Symbol?.ToUpperInvariant() ?? string.Empty, body.Status?.ToUpperInvariant() ?? ExchangeSymbol.Trading,
                    body.BaseAsset, body.QuoteAsset, out var symbol, out var error))
            {
                return Results.BadRequest(new { error });
            }

            symbols.List(symbol!);
            return Results.Ok(symbol);
        });
        api.MapDelete("/symbols/{symbol}", (SymbolUniverse symbols, string symbol) =>
        {
            symbols.Delist(symbol.ToUpperInvariant());
            return Results.NoContent();
        });

        api.MapGet("/faults", (SimulatorFaults faults) => faults);
        api.MapPost("/faults", (SimulatorFaults faults, JsonElement body) =>
        {
            faults.CopyFrom(body.Deserialize<SimulatorFaults>(JsonSerializerOptions.Web) ?? new SimulatorFaults());
            return faults;
        });
    }
}
