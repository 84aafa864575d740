using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>The app model as Program builds it, inspected without starting anything (no Docker needed).</summary>
public class AppModelTests
{
    private static async Task<IDistributedApplicationTestingBuilder> ModelAsync(params string[] args) =>
        await DistributedApplicationTestingBuilder.CreateAsync<Projects.KlineAspire_AppHost>(args, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_usable_container_runtime_gets_the_prometheus_container_and_grafana()
    {
        await using var builder = await ModelAsync("--Prometheus:Mode=container");

        Assert.IsType<ContainerResource>(builder.Resources.Single(r => r.Name == "prometheus"), exactMatch: false);
        var grafana = Assert.IsType<ContainerResource>(builder.Resources.Single(r => r.Name == "grafana"), exactMatch: false);
        Assert.True(grafana.TryGetLastAnnotation<DockerfileBuildAnnotation>(out _));
    }

    [Fact]
    public async Task Without_a_container_runtime_prometheus_is_the_local_binary_and_no_container_is_in_the_model()
    {
        ExternalTool.Prometheus.Require();
        await using var builder = await ModelAsync("--Prometheus:Mode=executable", "--Feed=simulated");

        Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "prometheus"), exactMatch: false);
        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
        Assert.Contains(builder.Resources, r => r.Name == "binance-simulator" && r is ProjectResource);
    }

    [Fact]
    public async Task Mode_none_still_runs_the_ingestor()
    {
        await using var builder = await ModelAsync("--Prometheus:Mode=none");

        Assert.DoesNotContain(builder.Resources, r => r.Name == "prometheus");
        Assert.Contains(builder.Resources, r => r.Name == "ingestor" && r is ProjectResource);
    }
}
