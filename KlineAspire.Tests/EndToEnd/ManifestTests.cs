using System.Text.Json;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>What azd deploys: the manifest the AppHost publishes, read as azd reads it.</summary>
public class ManifestTests
{
    [Fact]
    public async Task The_manifest_deploys_the_ingestor_and_a_baked_prometheus_reachable_only_internally()
    {
        var resources = (await AppHostManifest.DefaultAsync()).Resources;

        var ingestor = resources.GetProperty("ingestor");
        Assert.Equal("project.v0", ingestor.GetProperty("type").GetString());
        var ingestorEnv = ingestor.GetProperty("env");
        Assert.Equal("{symbols.value}", ingestorEnv.GetProperty("Binance__Symbols").GetString());
        Assert.Equal("{intervals.value}", ingestorEnv.GetProperty("Binance__Intervals").GetString());
        Assert.All(ingestor.GetProperty("bindings").EnumerateObject(),
            binding => Assert.False(IsExternal(binding.Value), $"ingestor binding {binding.Name} is external"));

        var symbols = resources.GetProperty("symbols");
        Assert.Equal("parameter.v0", symbols.GetProperty("type").GetString());
        Assert.Equal("BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT",
            symbols.GetProperty("inputs").GetProperty("value").GetProperty("default").GetProperty("value").GetString());

        var prometheus = resources.GetProperty("prometheus");
        Assert.Equal("container.v1", prometheus.GetProperty("type").GetString());
        Assert.EndsWith("prometheus", prometheus.GetProperty("build").GetProperty("context").GetString()!.TrimEnd('/'));
        Assert.EndsWith("Dockerfile", prometheus.GetProperty("build").GetProperty("dockerfile").GetString());
        Assert.False(prometheus.TryGetProperty("bindMounts", out _), "bind mounts are not carried to Azure Container Apps");
        Assert.False(prometheus.TryGetProperty("volumes", out _), "the rules and configuration are baked into the image, not mounted");
        Assert.Equal("{ingestor.bindings.http.host}:{ingestor.bindings.http.port}", prometheus.GetProperty("env").GetProperty("INGESTOR_TARGET").GetString());
        var http = prometheus.GetProperty("bindings").GetProperty("http");
        Assert.Equal(9090, http.GetProperty("targetPort").GetInt32());
        Assert.False(IsExternal(http), "Prometheus is internal-only unless Prometheus:External is set");

        Assert.False(resources.TryGetProperty("grafana", out _));
        Assert.False(resources.TryGetProperty("binance-simulator", out _));
    }

    [Fact]
    public async Task Prometheus_can_be_made_public_on_request()
    {
        var manifest = await AppHostManifest.PublishAsync("--Prometheus:External=true");

        Assert.True(IsExternal(manifest.Resources.GetProperty("prometheus").GetProperty("bindings").GetProperty("http")));
    }

    private static bool IsExternal(JsonElement binding) => binding.TryGetProperty("external", out var external) && external.GetBoolean();
}
