using Microsoft.Extensions.Logging;

namespace KlineAspire.AppHost;

/// <summary>
/// Prometheus starts with the candles' history: a step that runs to completion before it, importing the ingestor's
/// <c>/history</c> into its TSDB with <c>promtool</c> (<c>prometheus/import-history.sh</c>, the script the container
/// image's entrypoint runs too, so every mode imports history the same way).
/// </summary>
internal static class HistoryImportResourceBuilderExtensions
{
    /// <summary>Seconds the import waits for the ingestor's history to be complete; then Prometheus starts with what there is.</summary>
    private const string Wait = "60";

    private const string Shell = "/bin/sh";

    /// <summary>
    /// The local binary gets an import resource it waits for; the container image imports in its entrypoint, so it
    /// needs nothing here. Without <c>promtool</c> or a POSIX shell Prometheus starts without history, and one line says so.
    /// </summary>
    public static IResourceBuilder<IResourceWithEndpoints>? WithHistoryFrom(
        this IResourceBuilder<IResourceWithEndpoints>? prometheus, IResourceBuilder<ProjectResource> ingestor)
    {
        if (prometheus?.Resource is not ExecutableResource executable
            || executable.Annotations.OfType<TemporaryDirectoriesAnnotation>().SingleOrDefault() is not { } workDirectories)
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
        var import = builder.AddExecutable($"{executable.Name}-history", Shell, builder.AppHostDirectory,
                Path.Combine(builder.RepositoryDirectory("prometheus"), "import-history.sh"))
            .WithEnvironment(async context =>
            {
                // instance must be the target exactly as Prometheus' scrape configuration names it (the same address),
                // or the backfilled candles would be series of their own beside the live ones.
                context.EnvironmentVariables["INGESTOR_TARGET"] = await target.GetValueAsync(context.CancellationToken)
                    ?? throw new InvalidOperationException("The ingestor's http endpoint has no allocated address to read history from.");
                context.EnvironmentVariables["DATA_DIR"] = PrometheusResourceBuilderExtensions.DataDirectory(workDirectories.Reserve());
                context.EnvironmentVariables["PROMTOOL_BIN"] = promtool;
                context.EnvironmentVariables["HISTORY_WAIT"] = Wait;
            })
            .WaitForStart(ingestor);
        builder.CreateResourceBuilder(executable).WaitForCompletion(import);
        return prometheus;
    }
}
