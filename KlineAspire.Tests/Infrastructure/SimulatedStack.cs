using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// The whole AppHost as <c>dotnet run --project KlineAspire.AppHost -- --Feed simulated</c> starts it, with the local
/// Prometheus binary on a free port, started and healthy. Every wait has a timeout.
/// </summary>
public static class SimulatedStack
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <param name="configure">Changes to the model before it is built, e.g. an ingestor setting the AppHost does not expose.</param>
    /// <param name="settings">More AppHost settings for its command line, e.g. <c>--Simulator:SyntheticSymbols=24</c>.</param>
    public static async Task<DistributedApplication> StartAsync(
        IReadOnlyCollection<string> symbols,
        IReadOnlyCollection<string> intervals,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        IReadOnlyCollection<string>? settings = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KlineAspire_AppHost>(
            [
                "--Feed=simulated",
                "--Prometheus:Mode=executable",
                "--Prometheus:Port=0",
                "--Prometheus:ScrapeInterval=1s",
                $"--Market:Symbols={string.Join(',', symbols)}",
                $"--Market:Intervals={string.Join(',', intervals)}",
                .. settings ?? [],
            ], ct).WaitAsync(StartTimeout, ct);
        // The tests poll Prometheus ten times a second; four log lines a request would fill the run's console output.
        appHost.Services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
        configure?.Invoke(appHost);
        var app = await appHost.BuildAsync(ct).WaitAsync(StartTimeout, ct);
        try
        {
            await app.StartAsync(ct).WaitAsync(StartTimeout, ct);
            foreach (var resource in new[] { "binance-simulator", "ingestor", "prometheus" })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct).WaitAsync(StartTimeout, ct);
            }

            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
