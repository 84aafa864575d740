namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// An OpenMetrics history imported as the AppHost imports it, with <c>promtool tsdb create-blocks-from openmetrics</c>
/// into a fresh data directory, and a real Prometheus started on that directory.
/// </summary>
public sealed class ImportedHistory : IAsyncDisposable
{
    private readonly string _directory;

    private ImportedHistory(string directory, PrometheusServer prometheus)
    {
        _directory = directory;
        Prometheus = prometheus;
    }

    public PrometheusServer Prometheus { get; }

    /// <param name="openMetrics">What <c>GET /history</c> served.</param>
    /// <param name="start">Starts Prometheus on the data directory holding the imported blocks.</param>
    public static async Task<ImportedHistory> StartAsync(string openMetrics, Func<string, Task<PrometheusServer>> start)
    {
        var directory = Directory.CreateTempSubdirectory("kline-history-").FullName;
        try
        {
            var file = Path.Combine(directory, "history.om");
            var data = Path.Combine(directory, "data");
            await File.WriteAllTextAsync(file, openMetrics, TestContext.Current.CancellationToken);
            var (exitCode, output) = await Promtool.RunAsync("tsdb", "create-blocks-from", "openmetrics", file, data);
            Assert.True(exitCode == 0, $"promtool failed ({exitCode}):\n{output}");
            return new ImportedHistory(directory, await start(data));
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Prometheus.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
