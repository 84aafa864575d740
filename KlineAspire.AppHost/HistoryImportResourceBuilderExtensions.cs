using Microsoft.Extensions.Logging;

namespace KlineAspire.AppHost;

/// <summary>
/// Prometheus starts with the candles' history: a step that runs to completion before it, importing the ingestor's
/// <c>/history</c> into its TSDB with <c>promtool</c>, then a follower that imports the history arriving later into the
/// running Prometheus (<c>prometheus/import-history.sh</c>, the script the container image's entrypoint runs too, so
/// every mode imports history the same way).
/// </summary>
internal static class HistoryImportResourceBuilderExtensions
{
    /// <summary>Seconds the import waits for the ingestor's history to be complete; then Prometheus starts with what there is.</summary>
    private const string Wait = "60";

    private const string Shell = "/bin/sh";

    /// <summary>
    /// The local binary gets an import resource it waits for and a follower; the container image does both in its
    /// entrypoint, so it needs nothing here. Without <c>promtool</c> or a POSIX shell Prometheus starts without history, and one line says so.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? WithHistoryFrom(
        this IResourceBuilder<IResourceWithEndpoints>? prometheus, IResourceBuilder<ProjectResource> ingestor)
    {
        if (prometheus?.Resource is not ExecutableResource executable
            || executable.Annotations.OfType<TemporaryDirectoryAnnotation>().SingleOrDefault() is not { } workDirectoryAnnotation)
        {
            return prometheus;
        }

        var builder = prometheus.ApplicationBuilder;
        var promtool = PromtoolExecutable.Find(executable.Command);
        if (promtool is null || !File.Exists(Shell))
        {
            builder.LogAtStart(LogLevel.Warning, promtool is null
                ? $"Prometheus starts without candle history: promtool was not found beside {executable.Command}, on PATH or in {PromtoolExecutable.OverrideVariable}."
                : $"Prometheus starts without candle history: the import needs {Shell}.");
            return prometheus;
        }

        var target = ingestor.GetEndpoint("http").Property(EndpointProperty.HostAndPort);
        var script = Path.Combine(builder.RepositoryDirectory("prometheus"), "import-history.sh");
        IResourceBuilder<ExecutableResource> AddImport(string name, string mode) => builder.AddExecutable(name, Shell, builder.AppHostDirectory, script, mode)
            .WithEnvironment(async context =>
            {
                // instance must be the target exactly as Prometheus' scrape configuration names it (the same address),
                // or the backfilled candles would be series of their own beside the live ones.
                context.EnvironmentVariables["INGESTOR_TARGET"] = await target.GetValueAsync(context.CancellationToken)
                    ?? throw new InvalidOperationException("The ingestor's http endpoint has no allocated address to read history from.");
                context.EnvironmentVariables["DATA_DIR"] = PrometheusResourceBuilderExtensions.DataDirectory(workDirectoryAnnotation.Current());
                context.EnvironmentVariables["PROMTOOL_BIN"] = promtool;
                context.EnvironmentVariables["HISTORY_WAIT"] = Wait;
                context.EnvironmentVariables["HISTORY_RETENTION"] = PrometheusResourceBuilderExtensions.ExecutableRetention;
            });

        // Before Prometheus serves: the history so far, within the bounded wait. Prometheus starts once it has finished,
        // whatever happened.
        var import = AddImport($"{executable.Name}-history", "start").WaitForStart(ingestor);
        var prometheusBuilder = builder.CreateResourceBuilder(executable).WaitForCompletion(import);

        // While Prometheus runs: the history that arrives later (streams fetched after the wait), every minute, never into
        // time Prometheus has scraped.
        AddImport($"{executable.Name}-history-follow", "follow").WaitFor(prometheusBuilder);
        return prometheus;
    }
}
