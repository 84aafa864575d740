using System.Globalization;

namespace KlineAspire.Simulator;

/// <summary>Binance's market-data REST endpoints the ingestor uses: <c>exchangeInfo</c> and <c>klines</c>, weighed as Binance weighs them.</summary>
internal static class BinanceRestEndpoints
{
    private const int DefaultKlineLimit = 500;
    private const int MaxKlineLimit = 1000;

    public static void MapBinanceRest(this IEndpointRouteBuilder endpoints)
    {
        var rest = endpoints.MapGroup("/api/v3").AddEndpointFilter<RequestWeightFilter>();
        rest.MapGet("/exchangeInfo", ExchangeInfo).WithMetadata(new RequestWeight(20));
        rest.MapGet("/klines", Klines).WithMetadata(new RequestWeight(2));
    }

    private static IResult ExchangeInfo(SymbolUniverse symbols, SimulatorOptions options, TimeProvider time) => Results.Json(new
    {
        timezone = "UTC",
        serverTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
        rateLimits = new[] { new { rateLimitType = "REQUEST_WEIGHT", interval = "MINUTE", intervalNum = 1, limit = options.RequestWeightPerMinute } },
        symbols = symbols.Listed,
    });

    private static IResult Klines(HttpRequest request, SymbolUniverse symbols, KlineHistory history)
    {
        var symbol = request.Query["symbol"].ToString();
        var interval = request.Query["interval"].ToString();
        if (symbol.Length == 0)
        {
            return BinanceRestErrors.MandatoryParameterMissing("symbol");
        }

        if (interval.Length == 0)
        {
            return BinanceRestErrors.MandatoryParameterMissing("interval");
        }

        if (!symbols.Exists(symbol))
        {
            return BinanceRestErrors.BadRequest(-1121, "Invalid symbol.");
        }

        if (!KlineIntervalLength.IsKnown(interval))
        {
            return BinanceRestErrors.BadRequest(-1120, "Invalid interval.");
        }

        if (!TryReadLong(request, "startTime", out var startTime))
        {
            return BinanceRestErrors.IllegalCharacters("startTime");
        }

        if (!TryReadLong(request, "endTime", out var endTime))
        {
            return BinanceRestErrors.IllegalCharacters("endTime");
        }

        if (!TryReadLong(request, "limit", out var limit))
        {
            return BinanceRestErrors.IllegalCharacters("limit");
        }

        if (limit is <= 0)
        {
            return BinanceRestErrors.BadRequest(-1130, "Data sent for parameter 'limit' is not valid.");
        }

        // Binance serves at most 1000 rows whatever the limit asked for.
        var rows = history.Query(StreamNames.Kline(symbol, interval), startTime, endTime, (int)Math.Min(limit ?? DefaultKlineLimit, MaxKlineLimit));
        return Results.Content(KlineRows.ToJson(rows), "application/json");
    }

    private static bool TryReadLong(HttpRequest request, string name, out long? value)
    {
        value = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }
}
