using System.Globalization;
using System.Text.Json;

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

    private static IResult ExchangeInfo(HttpRequest request, SymbolUniverse symbols, SimulatorOptions options, TimeProvider time)
    {
        var symbol = request.Query["symbol"].ToString();
        var symbolList = request.Query["symbols"].ToString();
        var status = request.Query["symbolStatus"].ToString();
        // Binance takes one way of choosing symbols per request.
        if (new[] { symbol, symbolList, status }.Count(p => p.Length > 0) > 1)
        {
            return BinanceRestErrors.BadRequest(-1128, "Combination of optional parameters invalid.");
        }

        if (status.Length > 0 && !ExchangeSymbol.Statuses.Contains(status))
        {
            return BinanceRestErrors.BadRequest(-1122, "Invalid symbolStatus.");
        }

        IEnumerable<ExchangeSymbol> listed = symbols.Listed;
        if (symbol.Length > 0 || symbolList.Length > 0)
        {
            if (!TryReadSymbolList(symbol, symbolList, out var wanted))
            {
                return BinanceRestErrors.BadRequest(-1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
            }

            var bySymbol = listed.ToDictionary(s => s.Symbol, StringComparer.Ordinal);
            if (wanted.Any(w => !bySymbol.ContainsKey(w)))
            {
                return BinanceRestErrors.BadRequest(-1121, "Invalid symbol.");
            }

            listed = wanted.Distinct(StringComparer.Ordinal).Select(w => bySymbol[w]);
        }
        else if (status.Length > 0)
        {
            listed = listed.Where(s => s.Status == status);
        }

        return Results.Json(new
        {
            timezone = "UTC",
            serverTime = time.GetUtcNow().ToUnixTimeMilliseconds(),
            rateLimits = new[] { new { rateLimitType = "REQUEST_WEIGHT", interval = "MINUTE", intervalNum = 1, limit = options.RequestWeightPerMinute } },
            symbols = listed.ToList(),
        });
    }

    /// <summary><c>symbol=BTCUSDT</c>, or <c>symbols=["BTCUSDT","BNBBTC"]</c> (a JSON array, as Binance takes it).</summary>
    private static bool TryReadSymbolList(string symbol, string symbols, out List<string> wanted)
    {
        wanted = [symbol];
        if (symbols.Length == 0)
        {
            return true;
        }

        try
        {
            wanted = JsonSerializer.Deserialize<List<string>>(symbols) ?? [];
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

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

        if (!StreamNames.IsKnownInterval(interval))
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
        var rows = history.Query(symbol, interval, startTime, endTime, (int)Math.Min(limit ?? DefaultKlineLimit, MaxKlineLimit));
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
