using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.AppHost;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>The links the Aspire dashboard shows for Prometheus, and that each graphs something Prometheus has.</summary>
public partial class PrometheusGraphLinkTests
{
    private const string Home = "http://localhost:9090";

    [Theory]
    [InlineData("container")]
    [InlineData("executable")]
    public async Task The_dashboard_links_prometheus_home_then_the_candle_return_graph_then_the_raw_price_graph(string mode)
    {
        if (mode == "executable")
        {
            ExternalTool.Prometheus.Require();
        }

        var ct = TestContext.Current.CancellationToken;
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KlineAspire_AppHost>([$"--Prometheus:Mode={mode}"], ct)
            .WaitAsync(TimeSpan.FromSeconds(60), ct);
        var prometheus = (IResourceWithEndpoints)builder.Resources.Single(resource => resource.Name == "prometheus");

        // What the dashboard does once the endpoint is allocated: start from the endpoint's URL, run the URL callbacks.
        var urls = new List<ResourceUrlAnnotation> { new() { Url = Home, Endpoint = new EndpointReference(prometheus, "http") } };
        var context = new ResourceUrlsCallbackContext(builder.ExecutionContext, prometheus, urls, ct);
        foreach (var callback in prometheus.Annotations.OfType<ResourceUrlsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.Equal(
            [
                ("Prometheus", Home),
                ("Graph: candle return (close/open - 1), all symbols",
                    $"{Home}/graph?g0.expr=symbol_interval%3Akline_candle_return%3Aratio&g0.tab=0&g0.range_input=15m"),
                ("Graph: kline_close_price", $"{Home}/graph?g0.expr=kline_close_price&g0.tab=0&g0.range_input=15m"),
            ],
            urls.Select(url => (url.DisplayText, url.Url)));
        Assert.All(urls, url => Assert.Equal("http", url.Endpoint?.EndpointName));
    }

    [Fact]
    public void The_first_graph_is_a_recording_rule_that_prometheus_loads()
    {
        var recorded = RepositoryPaths.Files("prometheus/rules", "*.yml")
            .SelectMany(File.ReadLines)
            .Select(line => RecordLine().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToList();

        Assert.Contains(PrometheusGraphLink.All[0].Expression, recorded);
    }

    [GeneratedRegex(@"^\s*-\s*record:\s*(?<name>\S+)")]
    private static partial Regex RecordLine();
}
