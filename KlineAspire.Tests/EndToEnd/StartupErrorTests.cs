using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>The ingestor process as an operator starts it: a bad setting stops it with one clear line, no stack trace.</summary>
public class StartupErrorTests
{
    [Theory]
    [InlineData("Binance:Intervals", "2m")]
    [InlineData("Binance:Endpoint", "http://stream.binance.com:9443")]
    [InlineData("Binance:Symbols", "BTC@USDT")]
    [InlineData("Binance:Symbols", "")]
    [InlineData("Binance:RestEndpoint", "ftp://api.binance.com")]
    public async Task A_bad_setting_stops_the_process_with_a_message_naming_the_key_and_value(string key, string value)
    {
        var (exitCode, output) = await RunIngestorAsync($"--{key}={value}", key == "Binance:Symbols" ? "--Binance:Intervals=1m" : "--Binance:Symbols=BTCUSDT");

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("configuration is invalid", output);
        Assert.Contains(key, output);
        if (value.Length > 0)
        {
            Assert.Contains($"'{value}'", output);
        }

        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task A_literal_symbol_that_exchangeInfo_does_not_list_stops_the_process_like_a_bad_setting()
    {
        await using var simulator = await KlineAspire.Simulator.BinanceSimulator.StartAsync(
            new KlineAspire.Simulator.SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);

        var (exitCode, output) = await RunIngestorAsync(
            $"--Binance:Endpoint={simulator.WebSocketBaseUri}", $"--Binance:RestEndpoint={simulator.HttpBaseUri}", "--Binance:Symbols=BTCUSDT,NOPEUSDT");

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("configuration is invalid", output);
        Assert.Contains("Binance:Symbols:1 = 'NOPEUSDT' is not listed by exchangeInfo", output);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), output);
        Assert.Equal(0, simulator.ConnectionAttempts);
    }

    [Fact]
    public async Task A_literal_symbol_found_unlisted_only_after_the_start_stops_the_process_like_a_bad_setting()
    {
        await using var simulator = await KlineAspire.Simulator.BinanceSimulator.StartAsync(
            new KlineAspire.Simulator.SimulatorOptions { UpdatePeriod = TimeSpan.Zero }, TestContext.Current.CancellationToken);
        simulator.Faults.RestFailsWith = 503;

        var run = RunIngestorAsync(
            $"--Binance:Endpoint={simulator.WebSocketBaseUri}", $"--Binance:RestEndpoint={simulator.HttpBaseUri}", "--Binance:Symbols=BTCUSDT,NOPEUSDT",
            "--Binance:RestRetryBaseDelay=00:00:00.200", "--Binance:RestRetryMaxDelay=00:00:00.500");
        // exchangeInfo fails at startup, so the literals start unchecked: both are subscribed.
        await simulator.WaitForSubscribedStreamsAsync(2, TimeSpan.FromSeconds(60));
        simulator.Faults.RestFailsWith = null;
        var (exitCode, output) = await run;

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("configuration is invalid", output);
        Assert.Contains("Binance:Symbols:1 = 'NOPEUSDT' is not listed by exchangeInfo", output);
        Assert.False(output.Contains("   at ", StringComparison.Ordinal), output);
    }

    private static Task<(int ExitCode, string Output)> RunIngestorAsync(params string[] args)
    {
        // The ingestor is built next to the tests, in the same configuration (bin/<Configuration>/net10.0).
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = RepositoryPaths.Combine("KlineAspire.Ingestor", "bin", configuration, "net10.0", "KlineAspire.Ingestor.dll");
        return ProcessRun.RunAsync("dotnet", new[] { dll, "--urls", "http://127.0.0.1:0" }.Concat(args), TimeSpan.FromSeconds(60));
    }
}
