using KlineAspire.AppHost;
using Microsoft.Extensions.Configuration;

namespace KlineAspire.Tests.Unit;

public class KlineSettingsTests
{
    private static KlineSettings Read(params (string Key, string Value)[] values) =>
        KlineSettings.From(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void Defaults_stream_five_majors_from_binance_with_prometheus_chosen_automatically()
    {
        var settings = Read();

        Assert.Equal(KlineFeed.Binance, settings.Feed);
        Assert.Equal("BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT", settings.Symbols);
        Assert.Equal("1m", settings.Intervals);
        Assert.Equal(PrometheusMode.Auto, settings.PrometheusMode);
        Assert.Equal(9090, settings.PrometheusPort);
        Assert.Equal("5s", settings.ScrapeInterval);
        Assert.False(settings.PrometheusExternal);
        Assert.Equal(0, settings.SyntheticSymbols);
    }

    [Fact]
    public void The_offline_option_and_modes_are_case_insensitive()
    {
        var settings = Read(("Feed", "simulated"), ("Prometheus:Mode", "EXECUTABLE"));

        Assert.Equal(KlineFeed.Simulated, settings.Feed);
        Assert.Equal(PrometheusMode.Executable, settings.PrometheusMode);
    }

    [Theory]
    [InlineData("Feed", "offline")]
    [InlineData("Prometheus:Mode", "docker")]
    [InlineData("Prometheus:Port", "70000")]
    [InlineData("Prometheus:ScrapeInterval", "five seconds")]
    [InlineData("Prometheus:External", "yes")]
    [InlineData("Simulator:SyntheticSymbols", "-1")]
    [InlineData("Simulator:SyntheticSymbols", "many")]
    public void A_bad_value_names_the_key_and_the_value(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains($"'{value}'", error.Message);
    }

    [Fact]
    public void The_offline_exchange_size_is_read_from_the_simulator_key()
    {
        Assert.Equal(4_000, Read(("Simulator:SyntheticSymbols", "4000")).SyntheticSymbols);
    }

    [Theory]
    [InlineData("BTCUSDT,ETHUSDT", "BTCUSDT,ETHUSDT")]
    [InlineData(" s272usdt , *USDT,ABCBTC,BTC*,S272USDT,", "S272USDT,ABCBTC")]
    [InlineData("*", "")]
    public void The_literal_symbols_are_the_entries_without_a_wildcard_in_upper_case(string symbols, string literals)
    {
        Assert.Equal(literals, string.Join(',', MarketSymbols.Literals(symbols)));
    }
}
