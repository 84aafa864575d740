using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// <c>dotnet run --project KlineAspire.AppHost</c> with Binance out of reach, as a new user behind a firewall sees it:
/// Aspire probes <c>/health</c> every few seconds all through the outage, and the ingestor's log still tells it once.
/// </summary>
public class UnreachableFeedTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_binance_unreachable_the_dashboard_gets_one_error_for_the_change_to_unhealthy_and_one_warning_naming_the_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KlineAspire_AppHost>(
            ["--Prometheus:Mode=none"], ct).WaitAsync(StartTimeout, ct);
        appHost.Services.AddLogging(logging => logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
        // Nothing listens on port 1: every connection is refused at once, for the stream endpoint and for REST.
        appHost.CreateResourceBuilder<ProjectResource>("ingestor")
            .WithEnvironment("Binance__Endpoint", "ws://127.0.0.1:1")
            .WithEnvironment("Binance__RestEndpoint", "http://127.0.0.1:1")
            .WithEnvironment("Binance__StartupGrace", "00:00:03");
        await using var app = await appHost.BuildAsync(ct).WaitAsync(StartTimeout, ct);
        await app.StartAsync(ct).WaitAsync(StartTimeout, ct);

        // Aspire probes all along; once the grace period is over the test probes as well, ten more times.
        await app.ResourceNotifications.WaitForResourceAsync("ingestor", KnownResourceStates.Running, ct).WaitAsync(Timeout, ct);
        using var http = app.CreateHttpClient("ingestor");
        await Eventually.MatchAsync(async () =>
            {
                using var response = await http.GetAsync("/health", ct);
                return response.StatusCode;
            }, status => status == HttpStatusCode.ServiceUnavailable, Timeout, "/health says Unhealthy after the grace period");
        for (var probe = 0; probe < 10; probe++)
        {
            using var response = await http.GetAsync("/health", ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(500, ct);
        }

        var resource = await app.ResourceNotifications.WaitForResourceAsync("ingestor", e => e.Snapshot.HealthStatus == HealthStatus.Unhealthy, ct)
            .WaitAsync(Timeout, ct);
        var lines = await ResourceConsole.ReadAsync(app, resource.ResourceId);
        var log = string.Join(Environment.NewLine, lines);

        // One Error, for the change to Unhealthy; the framework's per-probe record is not there.
        Assert.Single(lines, ResourceConsole.IsError);
        Assert.Single(lines, line => line.Contains("Readiness kline-data-flow is Unhealthy", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Health check kline-data-flow", StringComparison.Ordinal));

        // One Warning names the endpoint and the cause; the attempts after it are Information.
        Assert.Single(lines, line => line.Contains("warn: KlineAspire.Ingestor.Feed", StringComparison.Ordinal));
        var cause = Assert.Single(lines, line => line.Contains("Cannot stream from ws://127.0.0.1:1/stream (connect_failed)", StringComparison.Ordinal));
        Assert.Contains("Connection refused", cause, StringComparison.Ordinal);
        Assert.True(lines.Count(line => line.Contains("failed (connect_failed)", StringComparison.Ordinal)) >= 2, log);
    }
}
