using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Exposition;
using Microsoft.Extensions.Options;

namespace KlineAspire.Tests.Unit;

public class BinanceOptionsTests
{
    [Theory]
    [InlineData("Binance:Symbols", "BTCUSDT,ETHUSDT")]
    [InlineData("Binance:Symbols", " BTCUSDT , ETHUSDT ,")]
    public void Comma_separated_symbols_bind(string key, string value)
    {
        var options = Bind(new() { [key] = value });
        Assert.Equal(["BTCUSDT", "ETHUSDT"], options.Symbols);
        Assert.Equal(["1m"], options.Intervals);
    }

    [Fact]
    public void Configuration_arrays_bind()
    {
        var options = Bind(new()
        {
            ["Binance:Symbols:0"] = "BTCUSDT",
            ["Binance:Symbols:1"] = "ETHUSDT",
            ["Binance:Intervals:0"] = "1s",
            ["Binance:Intervals:1"] = "1M"
        });
        Assert.Equal(["BTCUSDT", "ETHUSDT"], options.Symbols);
        Assert.Equal(["1s", "1M"], options.Intervals);
    }

    [Theory]
    [InlineData("https://api.binance.com", "https://api.binance.com/api/v3/exchangeInfo")]
    [InlineData("https://data-api.binance.vision/", "https://data-api.binance.vision/api/v3/exchangeInfo")]
    [InlineData("http://127.0.0.1:5190/api/v3", "http://127.0.0.1:5190/api/v3/exchangeInfo")]
    [InlineData("https://proxy.example/binance", "https://proxy.example/binance/api/v3/exchangeInfo")]
    public void Rest_endpoint_becomes_the_exchange_info_url(string endpoint, string expected) =>
        Assert.Equal(expected, RestEndpointUri.ExchangeInfo(endpoint).ToString());

    [Fact]
    public void Patterns_are_valid_symbols()
    {
        var result = new BinanceOptionsValidator().Validate(null, Bind(new() { ["Binance:Symbols"] = "*USDT,BTC*,*,ETHBTC" }));
        Assert.False(result.Failed, result.FailureMessage);
    }

    [Theory]
    [InlineData("ws://127.0.0.1:1234", "ws://127.0.0.1:1234/stream")]
    [InlineData("wss://stream.binance.com:9443", "wss://stream.binance.com:9443/stream")]
    [InlineData("wss://data-stream.binance.vision/", "wss://data-stream.binance.vision/stream")]
    [InlineData("wss://stream.binance.us:9443/ws", "wss://stream.binance.us:9443/stream")]
    [InlineData("wss://proxy.example/binance/stream", "wss://proxy.example/binance/stream")]
    public void Endpoint_becomes_the_combined_stream_url(string endpoint, string expected) =>
        Assert.Equal(expected, EndpointUri.CombinedStream(endpoint).ToString());

    [Theory]
    [InlineData("Binance:Symbols", "", "Binance:Symbols is empty")]
    [InlineData("Binance:Symbols", "BTC@USDT", "Binance:Symbols:0 = 'BTC@USDT' is not a valid symbol")]
    [InlineData("Binance:Symbols", "ETHUSDT,BTC/USDT", "Binance:Symbols:1 = 'BTC/USDT' is not a valid symbol")]
    [InlineData("Binance:Symbols", "BTC USDT", "Binance:Symbols:0 = 'BTC USDT' is not a valid symbol")]
    [InlineData("Binance:Intervals", "2m", "Binance:Intervals:0 = '2m' is not a Binance kline interval")]
    [InlineData("Binance:Intervals", "1m,1H", "Binance:Intervals:1 = '1H' is not a Binance kline interval")]
    [InlineData("Binance:Endpoint", "https://stream.binance.com",
        "Binance:Endpoint = 'https://stream.binance.com' is not usable: the scheme 'https' is not ws or wss")]
    [InlineData("Binance:Endpoint", "stream.binance.com:9443", "Binance:Endpoint = 'stream.binance.com:9443' is not usable")]
    [InlineData("Binance:Endpoint", "wss://stream.binance.com:9443/ws?x=1",
        "Binance:Endpoint = 'wss://stream.binance.com:9443/ws?x=1' is not usable: it has a query")]
    [InlineData("Binance:MaxStreamsPerConnection", "1025", "Binance:MaxStreamsPerConnection = '1025' must be between 1 and 1024")]
    [InlineData("Binance:MaxMessagesPerSecond", "6", "Binance:MaxMessagesPerSecond = '6' must be between 1 and 4")]
    [InlineData("Binance:MaxMessagesPerSecond", "5",
        "Binance:MaxMessagesPerSecond = '5' must be between 1 and 4: Binance closes a connection that sends more than 5 messages a second, and the pongs the "
        + "socket sends on its own count too")]
    [InlineData("Binance:MaxMessagesPerSecond", "0", "Binance:MaxMessagesPerSecond = '0' must be between 1 and 4")]
    [InlineData("Binance:MaxConnectionAttempts", "301", "Binance:MaxConnectionAttempts = '301' must be between 1 and 300")]
    [InlineData("Binance:ConnectionLifetime", "1.00:00:00", "Binance:ConnectionLifetime = '1.00:00:00' must be positive and shorter than 24:00:00")]
    [InlineData("Binance:StaleAfter", "00:00:00", "Binance:StaleAfter = '00:00:00' must be a positive duration")]
    [InlineData("Binance:Symbols", "*USDT,BTC-*", "Binance:Symbols:1 = 'BTC-*' is not a valid symbol")]
    [InlineData("Binance:RestEndpoint", "wss://api.binance.com",
        "Binance:RestEndpoint = 'wss://api.binance.com' is not usable: the scheme 'wss' is not http or https")]
    [InlineData("Binance:RestEndpoint", "https://api.binance.com/?x=1", "Binance:RestEndpoint = 'https://api.binance.com/?x=1' is not usable: it has a query")]
    [InlineData("Binance:SymbolRefreshInterval", "00:00:00", "Binance:SymbolRefreshInterval = '00:00:00' must be a positive duration")]
    [InlineData("Binance:RestTimeout", "00:00:00", "Binance:RestTimeout = '00:00:00' must be positive and at most 00:10:00")]
    [InlineData("Binance:RestTimeout", "1.00:00:00", "Binance:RestTimeout = '1.00:00:00' must be positive and at most 00:10:00")]
    [InlineData("Binance:Series", "", "Binance:Series is empty: name a group (all forming closed prices volumes feed)")]
    [InlineData("Binance:Series", "feed,kline_close",
        "Binance:Series:1 = 'kline_close' is not a per-stream series: name a group (all forming closed prices volumes feed) or a per-stream metric "
        + "(kline_open_price")]
    [InlineData("Binance:Series", "kline.close.price", "Binance:Series:0 = 'kline.close.price' is not a per-stream series")]
    [InlineData("Binance:Series", "kline_ingestor_connections", "Binance:Series:0 = 'kline_ingestor_connections' is not a per-stream series")]
    [InlineData("Binance:OtlpMarketSeriesLimit", "-1", "Binance:OtlpMarketSeriesLimit = '-1' must be between 0 and")]
    [InlineData("Binance:ListingHeadroom", "-1", "Binance:ListingHeadroom = '-1' must be between 0 and 100000")]
    [InlineData("Binance:ReconnectMaxDelay", "00:00:00.500",
        "Binance:ReconnectMaxDelay = '00:00:00.5000000' must not be shorter than Binance:ReconnectBaseDelay ('00:00:01')")]
    [InlineData("Binance:RestRetryBaseDelay", "00:00:00", "Binance:RestRetryBaseDelay = '00:00:00' must be a positive duration")]
    [InlineData("Binance:RestRetryMaxDelay", "00:00:00.500",
        "Binance:RestRetryMaxDelay = '00:00:00.5000000' must not be shorter than Binance:RestRetryBaseDelay ('00:00:01')")]
    // The test seams are internal, yet bound from configuration and validated like the documented settings.
    [InlineData("Binance:SubscribeBatchSize", "0", "Binance:SubscribeBatchSize = '0' must be between 1 and 1024")]
    [InlineData("Binance:ClockTolerance", "00:00:00", "Binance:ClockTolerance = '00:00:00' must be a positive duration")]
    [InlineData("Binance:MaxMessageBytes", "1024", "Binance:MaxMessageBytes = '1024' must be between 4096 and 67108864")]
    public void Bad_values_fail_with_a_message_naming_key_and_value(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Binance:Symbols"] = "BTCUSDT", [key] = value };
        var result = new BinanceOptionsValidator().Validate(null, Bind(settings));
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage);
    }

    [Theory]
    [InlineData("all", 21)]
    [InlineData("feed", 3)]
    [InlineData("kline_close_price,feed", 4)]
    [InlineData("prices, kline_close_price ,CLOSED", 12)]
    [InlineData("Binance:Series:array", 2)]
    public void Series_bind_from_groups_and_names(string value, int instruments)
    {
        var settings = value == "Binance:Series:array"
            ? new Dictionary<string, string?>
            {
                ["Binance:Symbols"] = "BTCUSDT",
                ["Binance:Series:0"] = "kline_close_price",
                ["Binance:Series:1"] = "kline_feed_up"
            }
            : new Dictionary<string, string?> { ["Binance:Symbols"] = "BTCUSDT", ["Binance:Series"] = value };
        var options = Bind(settings);
        Assert.True(new BinanceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(instruments, KlineSeries.InstrumentsFor(options.Series).Count);
    }

    [Fact]
    public void Defaults_with_symbols_are_valid()
    {
        var options = Bind(new() { ["Binance:Symbols"] = "BTCUSDT" });
        Assert.True(new BinanceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(BinanceOptions.DefaultEndpoint, options.Endpoint);
        Assert.Equal(4, options.MaxMessagesPerSecond);
        Assert.Equal(1024, options.MaxStreamsPerConnection);
        Assert.Equal(["all"], options.Series);
        Assert.Equal(options.ReconnectBaseDelay, options.RestRetryBaseDelay);
        Assert.Equal(options.ReconnectMaxDelay, options.RestRetryMaxDelay);
    }

    [Fact]
    public void Test_seams_bind_from_configuration()
    {
        var options = Bind(new()
        {
            ["Binance:Symbols"] = "BTCUSDT",
            ["Binance:SubscribeBatchSize"] = "2",
            ["Binance:ClockTolerance"] = "3650.00:00:00",
            ["Binance:MaxMessageBytes"] = "8192"
        });
        Assert.Equal(2, options.SubscribeBatchSize);
        Assert.Equal(TimeSpan.FromDays(3650), options.ClockTolerance);
        Assert.Equal(8192, options.MaxMessageBytes);
    }

    [Fact]
    public async Task The_application_refuses_to_start_with_a_bad_value()
    {
        // Validation runs when the app is built, before exchangeInfo is read or the host started.
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = await IngestorApplication.BuildAsync(
                ["--urls", "http://127.0.0.1:0", "--Binance:Symbols=BTCUSDT", "--Binance:Intervals=1m,7m"],
                cancellationToken: TestContext.Current.CancellationToken);
        });
        Assert.Contains("Binance:Intervals:1 = '7m' is not a Binance kline interval", exception.Message);
    }

    private static BinanceOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new BinanceOptions();
        new BinanceOptionsSetup(configuration).Configure(options);
        return options;
    }
}
