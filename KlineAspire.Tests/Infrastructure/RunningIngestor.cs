using System.Net;
using KlineAspire.Ingestor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// The real ingestor application, composed exactly as <c>Program</c> composes it, listening on a random loopback
/// port. Tests talk to it over HTTP like Prometheus and an orchestrator would.
/// </summary>
public sealed class RunningIngestor : IAsyncDisposable
{
    private RunningIngestor(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public FakeLogCollector Logs => App.Services.GetFakeLogCollector();

    public static async Task<RunningIngestor> StartAsync(Uri endpoint, IEnumerable<string> symbols, IEnumerable<string> intervals,
        IDictionary<string, string>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            $"--Binance:Endpoint={endpoint}",
            $"--Binance:Symbols={string.Join(',', symbols)}",
            $"--Binance:Intervals={string.Join(',', intervals)}",
            // No REST unless a test names one (settings come later and win): literal symbols start unchecked, as before
            // exchangeInfo was read, and a refused port fails at once instead of waiting on a DNS lookup of api.binance.com.
            "--Binance:RestEndpoint=http://127.0.0.1:1",
            // No REST history either unless a test asks for it (HistoryTests).
            "--Binance:HistoryCandles=0",
            // Tests drop connections and fail exchangeInfo on purpose; reconnect and retry quickly.
            "--Binance:ReconnectBaseDelay=00:00:00.100",
            "--Binance:ReconnectMaxDelay=00:00:01",
            "--Binance:RestRetryBaseDelay=00:00:00.100",
            "--Binance:RestRetryMaxDelay=00:00:01",
            "--Logging:LogLevel:Default=Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        var app = await IngestorApplication.BuildAsync([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddFakeLogging(options => options.OutputSink = null);
            configure?.Invoke(builder);
        }, TestContext.Current.CancellationToken);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningIngestor(app, new Uri(address));
    }

    public async Task<MetricsText> ScrapeAsync() => MetricsText.Parse(await ScrapeRawAsync());

    public Task<string> ScrapeRawAsync() => Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

    public async Task<(HttpStatusCode Status, string Body)> HealthAsync(string path = "/health")
    {
        using var response = await Http.GetAsync(path, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    public Task<MetricsText> WaitForMetricsAsync(Func<MetricsText, bool> condition, string because, TimeSpan? timeout = null) =>
        Eventually.MatchAsync(ScrapeAsync, condition, timeout ?? TimeSpan.FromSeconds(20), because);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
