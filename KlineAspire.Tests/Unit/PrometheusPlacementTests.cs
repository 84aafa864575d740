using KlineAspire.AppHost;

namespace KlineAspire.Tests.Unit;

public class PrometheusPlacementTests
{
    private const string Binary = "/usr/bin/prometheus";

    [Theory]
    [InlineData(PrometheusMode.Auto, true, Binary, PrometheusMode.Container)]
    [InlineData(PrometheusMode.Auto, false, Binary, PrometheusMode.Executable)]
    [InlineData(PrometheusMode.Auto, false, null, PrometheusMode.None)]
    [InlineData(PrometheusMode.Container, false, Binary, PrometheusMode.Container)]
    [InlineData(PrometheusMode.Executable, true, Binary, PrometheusMode.Executable)]
    [InlineData(PrometheusMode.Executable, true, null, PrometheusMode.None)]
    [InlineData(PrometheusMode.None, true, Binary, PrometheusMode.None)]
    public void Local_runs_choose_by_setting_runtime_and_binary(PrometheusMode requested, bool runtimeUsable, string? binary, PrometheusMode expected)
    {
        var placement = PrometheusPlacement.Choose(requested, isPublishMode: false, () => runtimeUsable, binary);

        Assert.Equal(expected, placement.Mode);
        Assert.False(string.IsNullOrWhiteSpace(placement.Reason));
        Assert.Equal(expected == PrometheusMode.Executable ? binary : null, placement.ExecutablePath);
    }

    [Theory]
    [InlineData(PrometheusMode.Auto)]
    [InlineData(PrometheusMode.Executable)]
    [InlineData(PrometheusMode.None)]
    public void Publish_always_deploys_the_container_without_probing_the_runtime(PrometheusMode requested)
    {
        var placement = PrometheusPlacement.Choose(requested, isPublishMode: true, () => throw new InvalidOperationException("must not probe"), Binary);

        Assert.Equal(PrometheusMode.Container, placement.Mode);
    }

    [Fact]
    public void Explicit_container_mode_does_not_probe_the_runtime()
    {
        var placement = PrometheusPlacement.Choose(PrometheusMode.Container, isPublishMode: false, () => throw new InvalidOperationException("must not probe"),
            null);

        Assert.Equal(PrometheusMode.Container, placement.Mode);
    }
}
