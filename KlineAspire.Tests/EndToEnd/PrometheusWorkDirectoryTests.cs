using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KlineAspire.AppHost;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>The local Prometheus' configuration and TSDB live in a temporary directory that the AppHost deletes when it stops.</summary>
public class PrometheusWorkDirectoryTests
{
    [Fact]
    public async Task Stopping_the_apphost_deletes_the_prometheus_work_directory_it_was_writing_to()
    {
        ExternalTool.Prometheus.Require();
        var app = await SimulatedStack.StartAsync(["BTCUSDT"], ["1m"]);
        IReadOnlyCollection<string> directories;
        try
        {
            directories = app.Services.GetRequiredService<DistributedApplicationModel>().Resources
                .Single(resource => resource.Name == "prometheus")
                .Annotations.OfType<TemporaryDirectoryAnnotation>().Single().Created;

            // While Prometheus runs its directory holds the rendered configuration and a TSDB it writes to.
            var directory = Assert.Single(directories);
            Assert.True(File.Exists(Path.Combine(directory, "prometheus.yml")), $"no prometheus.yml in {directory}");
            Assert.True(Directory.Exists(Path.Combine(directory, "data", "wal")), $"no TSDB write-ahead log in {directory}");
        }
        finally
        {
            await app.DisposeAsync();
        }

        Assert.All(directories, directory => Assert.False(Directory.Exists(directory), $"{directory} is left behind after the AppHost stopped"));
    }
}
