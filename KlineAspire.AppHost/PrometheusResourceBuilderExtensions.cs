using Microsoft.Extensions.Logging;

namespace KlineAspire.AppHost;

/// <summary>Adds Prometheus, scraping the ingestor, in the way <see cref="PrometheusPlacement"/> chose.</summary>
internal static class PrometheusResourceBuilderExtensions
{
    private const int ContainerPort = 9090;

    /// <summary>
    /// How long the local binary keeps samples (Prometheus' own default, said out loud): the history import asks for no
    /// older candles. The image's entrypoint has its own (7 days, 1 with remote write).
    /// </summary>
    public const string ExecutableRetention = "15d";

    public static IResourceBuilder<IResourceWithEndpoints>? AddKlinePrometheus(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> ingestor, KlineSettings settings,
        PrometheusPlacement placement)
    {
        builder.LogAtStart(placement.Mode == PrometheusMode.None ? LogLevel.Warning : LogLevel.Information, placement.Mode == PrometheusMode.None
            ? $"Prometheus is not started ({placement.Reason}). Install it (Debian/Ubuntu: apt-get install -y prometheus; or set Prometheus:Executable or "
                + $"KLINE_PROMETHEUS to its path) or start a Docker engine, then run again."
            : $"Prometheus mode: {placement.Mode.ToString().ToLowerInvariant()} ({placement.Reason}).");

        return placement.Mode switch
        {
            PrometheusMode.Container => builder.AddPrometheusContainer(name, ingestor, settings),
            PrometheusMode.Executable => builder.AddPrometheusExecutable(name, ingestor, settings, placement.ExecutablePath!),
            _ => null,
        };
    }

    /// <summary>The image built from <c>prometheus/Dockerfile</c>; the same image runs locally and in Azure Container Apps.</summary>
    private static IResourceBuilder<IResourceWithEndpoints> AddPrometheusContainer(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> ingestor, KlineSettings settings)
    {
        var prometheus = builder.AddDockerfile(name, builder.RepositoryDirectory("prometheus"))
            .WithHttpEndpoint(port: builder.ExecutionContext.IsPublishMode ? null : settings.PrometheusPort, targetPort: ContainerPort, name: "http")
            .WithEnvironment("INGESTOR_TARGET", ingestor.GetEndpoint("http").Property(EndpointProperty.HostAndPort))
            .WithEnvironment("SCRAPE_INTERVAL", settings.ScrapeInterval)
            .WithHttpHealthCheck("/-/ready")
            .WithGraphLinks()
            .WaitForStart(ingestor);
        if (settings.PrometheusExternal)
        {
            prometheus.WithExternalHttpEndpoints();
        }

        return prometheus;
    }

    /// <summary>The local binary, with a configuration rendered from the ingestor's allocated endpoint at start.</summary>
    private static IResourceBuilder<IResourceWithEndpoints> AddPrometheusExecutable(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> ingestor, KlineSettings settings, string executablePath)
    {
        var source = builder.RepositoryDirectory("prometheus");
        var target = ingestor.GetEndpoint("http").Property(EndpointProperty.HostAndPort);
        var prometheus = builder.AddExecutable(name, executablePath, builder.AppHostDirectory);
        var workDirectoryAnnotation = prometheus.WithTemporaryDirectory($"klineaspire-{name}-");
        prometheus
            .WithHttpEndpoint(port: settings.PrometheusPort == 0 ? null : settings.PrometheusPort, name: "http")
            .WithArgs(async context =>
            {
                // Made when Prometheus (or its history import) starts, not when the model is built (model-only runs leave
                // nothing behind); one per AppHost, as two AppHosts in one process (tests) must not share a TSDB. A
                // restart keeps it: the history imported into it (HistoryImportResourceBuilderExtensions) and the live
                // samples since stay.
                var workDirectory = workDirectoryAnnotation.Current();
                var ingestorAddress = await target.GetValueAsync(context.CancellationToken)
                    ?? throw new InvalidOperationException("The ingestor's http endpoint has no allocated address to scrape.");
                var configFile = PrometheusConfigTemplate.WriteDirectory(source, ingestorAddress, settings.ScrapeInterval, workDirectory);
                var self = ((IResourceWithEndpoints)context.Resource).GetEndpoint("http");
                context.Args.Add($"--config.file={configFile}");
                context.Args.Add($"--storage.tsdb.path={DataDirectory(workDirectory)}");
                context.Args.Add($"--storage.tsdb.retention.time={ExecutableRetention}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{self.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add("--log.level=warn");
            })
            .WithHttpHealthCheck("/-/ready")
            .WithGraphLinks()
            .WaitForStart(ingestor);
        return prometheus;
    }

    /// <summary>Where the local Prometheus keeps its TSDB inside its work directory.</summary>
    public static string DataDirectory(string workDirectory) => Path.Combine(workDirectory, "data");

    /// <summary>Names the home link "Prometheus" and adds a link per <see cref="PrometheusGraphLink"/>, on the same endpoint.</summary>
    private static IResourceBuilder<T> WithGraphLinks<T>(this IResourceBuilder<T> prometheus)
        where T : IResourceWithEndpoints => prometheus.WithUrls(context =>
    {
        var home = context.Urls.FirstOrDefault(url => url.Endpoint?.EndpointName == "http");
        if (home is null)
        {
            return;
        }

        home.DisplayText = "Prometheus";
        context.Urls.AddRange(PrometheusGraphLink.All.Select(link =>
            new ResourceUrlAnnotation { Url = home.Url.TrimEnd('/') + link.PathAndQuery, DisplayText = link.DisplayText, Endpoint = home.Endpoint }));
    });
}
