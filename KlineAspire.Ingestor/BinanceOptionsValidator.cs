using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor;

/// <summary>
/// Rejects bad configuration at startup with messages that name the key and the offending value,
/// so a typo is found in the first second rather than as an empty graph an hour later.
/// </summary>
internal sealed class BinanceOptionsValidator : IValidateOptions<BinanceOptions>
{
    private const string Section = BinanceOptions.SectionName;
    private const int MaxSymbolLength = 32;

    // Longer than any answer should take, and far inside what a cancellation timer can be set to.
    private static readonly TimeSpan MaxRestTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, BinanceOptions options)
    {
        var failures = new List<string>();
        ValidateEndpoint(options.Endpoint, failures);
        ValidateRestEndpoint(options.RestEndpoint, failures);
        ValidateSymbols(options.Symbols, failures);
        ValidateIntervals(options.Intervals, failures);
        ValidateSeries(options.Series, failures);
        RequireRange(failures, nameof(options.OtlpMarketSeriesLimit), options.OtlpMarketSeriesLimit, 0, int.MaxValue);
        RequireRange(failures, nameof(options.ListingHeadroom), options.ListingHeadroom, 0, StreamCapacity.MaxSymbols);
        // One request per stream: Binance serves at most 1000 candles a request.
        RequireRange(failures, nameof(options.HistoryCandles), options.HistoryCandles, 0, BinanceLimits.MaxKlinesPerRequest);
        RequirePositive(failures, nameof(options.HistoryRetention), options.HistoryRetention);

        RequireRange(failures, nameof(options.MaxStreamsPerConnection), options.MaxStreamsPerConnection, 1, BinanceLimits.MaxStreamsPerConnection);
        if (options.MaxMessagesPerSecond is < 1 or > BinanceLimits.MaxClientMessagesPerSecond)
        {
            failures.Add($"{Section}:{nameof(options.MaxMessagesPerSecond)} = '{options.MaxMessagesPerSecond}' must be between 1 and {BinanceLimits.MaxClientMessagesPerSecond}: Binance closes a connection that sends more than {BinanceLimits.MaxIncomingMessagesPerSecond} messages a second, and the pongs the socket sends on its own count too.");
        }

        RequireRange(failures, nameof(options.SubscribeBatchSize), options.SubscribeBatchSize, 1, BinanceLimits.MaxStreamsPerConnection);
        RequireRange(failures, nameof(options.MaxConnectionAttempts), options.MaxConnectionAttempts, 1, BinanceLimits.MaxConnectionAttemptsPerWindow);

        RequirePositive(failures, nameof(options.StaleAfter), options.StaleAfter);
        // Any positive interval is safe for the address: RestWeightBudget caps exchangeInfo requests however short it is.
        RequirePositive(failures, nameof(options.SymbolRefreshInterval), options.SymbolRefreshInterval);
        if (options.RestTimeout <= TimeSpan.Zero || options.RestTimeout > MaxRestTimeout)
        {
            failures.Add($"{Section}:{nameof(options.RestTimeout)} = '{options.RestTimeout}' must be positive and at most {MaxRestTimeout} (hh:mm:ss).");
        }

        RequirePositive(failures, nameof(options.ClockTolerance), options.ClockTolerance);
        RequirePositive(failures, nameof(options.StartupGrace), options.StartupGrace);
        RequireRange(failures, nameof(options.MaxMessageBytes), options.MaxMessageBytes, 4 * 1024, 64 * 1024 * 1024);
        RequirePositive(failures, nameof(options.NoDataTimeout), options.NoDataTimeout);
        RequirePositive(failures, nameof(options.SubscribeTimeout), options.SubscribeTimeout);
        RequirePositive(failures, nameof(options.ConnectTimeout), options.ConnectTimeout);
        RequireBackoff(failures, nameof(options.ReconnectBaseDelay), options.ReconnectBaseDelay, nameof(options.ReconnectMaxDelay), options.ReconnectMaxDelay);
        RequireBackoff(failures, nameof(options.RestRetryBaseDelay), options.RestRetryBaseDelay, nameof(options.RestRetryMaxDelay), options.RestRetryMaxDelay);

        if (options.ConnectionLifetime <= TimeSpan.Zero || options.ConnectionLifetime >= BinanceLimits.MaxConnectionAge)
        {
            failures.Add($"{Section}:{nameof(options.ConnectionLifetime)} = '{options.ConnectionLifetime}' must be positive and shorter than 24:00:00, when Binance cuts every connection.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEndpoint(string endpoint, List<string> failures)
    {
        if (!EndpointUri.TryCreate(endpoint, out _, out var problem))
        {
            failures.Add($"{Section}:{nameof(BinanceOptions.Endpoint)} = '{endpoint}' is not usable: {problem}");
        }
    }

    private static void ValidateRestEndpoint(string endpoint, List<string> failures)
    {
        if (!RestEndpointUri.TryCreate(endpoint, out _, out var problem))
        {
            failures.Add($"{Section}:{nameof(BinanceOptions.RestEndpoint)} = '{endpoint}' is not usable: {problem}");
        }
    }

    private static void ValidateSymbols(List<string> symbols, List<string> failures)
    {
        if (symbols.Count == 0)
        {
            failures.Add($"{Section}:{nameof(BinanceOptions.Symbols)} is empty: name at least one symbol, e.g. Binance__Symbols=BTCUSDT,ETHUSDT.");
            return;
        }

        for (var index = 0; index < symbols.Count; index++)
        {
            var symbol = symbols[index];
            var problem = symbol.Length == 0 ? "it is empty"
                : symbol.Length > MaxSymbolLength ? $"it is longer than {MaxSymbolLength} characters"
                : !symbol.All(c => char.IsLetterOrDigit(c) || c == SymbolPattern.Wildcard) ? "a symbol has only letters and digits (no '@', '/', '_', spaces or punctuation); '*' makes it a pattern such as *USDT"
                : null;
            if (problem is not null)
            {
                failures.Add($"{Section}:{nameof(BinanceOptions.Symbols)}:{index} = '{symbol}' is not a valid symbol: {problem}.");
            }
        }
    }

    private static void ValidateIntervals(List<string> intervals, List<string> failures)
    {
        if (intervals.Count == 0)
        {
            failures.Add($"{Section}:{nameof(BinanceOptions.Intervals)} is empty: name at least one of {string.Join(' ', KlineCalendar.Intervals)}.");
            return;
        }

        for (var index = 0; index < intervals.Count; index++)
        {
            if (!KlineCalendar.TryParse(intervals[index], out _))
            {
                failures.Add($"{Section}:{nameof(BinanceOptions.Intervals)}:{index} = '{intervals[index]}' is not a Binance kline interval; valid (case-sensitive, 1m is a minute and 1M a month; add @+08:00 for the UTC+8 variant): {string.Join(' ', KlineCalendar.Intervals)}.");
            }
        }
    }

    private static void ValidateSeries(List<string> series, List<string> failures)
    {
        var valid = $"a group ({string.Join(' ', KlineSeries.Groups)}) or a per-stream metric ({string.Join(' ', KlineSeries.Names)})";
        if (series.Count == 0)
        {
            failures.Add($"{Section}:{nameof(BinanceOptions.Series)} is empty: name {valid}.");
            return;
        }

        for (var index = 0; index < series.Count; index++)
        {
            if (!KlineSeries.IsKnown(series[index]))
            {
                failures.Add($"{Section}:{nameof(BinanceOptions.Series)}:{index} = '{series[index]}' is not a per-stream series: name {valid}.");
            }
        }
    }

    private static void RequireRange(List<string> failures, string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Section}:{key} = '{value}' must be between {min} and {max}.");
        }
    }

    private static void RequireBackoff(List<string> failures, string baseKey, TimeSpan baseDelay, string maxKey, TimeSpan maxDelay)
    {
        RequirePositive(failures, baseKey, baseDelay);
        if (maxDelay < baseDelay)
        {
            failures.Add($"{Section}:{maxKey} = '{maxDelay}' must not be shorter than {Section}:{baseKey} ('{baseDelay}').");
        }
    }

    private static void RequirePositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Section}:{key} = '{value}' must be a positive duration (hh:mm:ss).");
        }
    }
}
