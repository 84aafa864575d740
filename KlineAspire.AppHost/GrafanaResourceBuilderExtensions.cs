namespace KlineAspire.AppHost;

internal static class GrafanaResourceBuilderExtensions
{
    /// <summary>
    /// Grafana with the provisioned KlineAspire dashboard, only next to a containerised Prometheus in a local run:
    /// it needs a container runtime, and the deployment keeps its surface to the ingestor and Prometheus.
    /// </summary>
    public static IResourceBuilder<ContainerResource>? AddKlineGrafana(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithEndpoints>? prometheus)
    {
        if (prometheus?.Resource is not ContainerResource || builder.ExecutionContext.IsPublishMode)
        {
            return null;
        }

        return builder.AddDockerfile(name, builder.RepositoryDirectory("grafana"))
            .WithHttpEndpoint(port: 3000, targetPort: 3000, name: "http")
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
            .WithHttpHealthCheck("/api/health")
            .WaitFor(prometheus);
    }
}
