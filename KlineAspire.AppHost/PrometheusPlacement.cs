namespace KlineAspire.AppHost;

/// <summary>The decided way to run Prometheus and, for the log, why.</summary>
internal sealed record PrometheusPlacement(PrometheusMode Mode, string Reason, string? ExecutablePath = null)
{
    /// <summary>
    /// Publish always gets the container (Azure Container Apps runs images). Locally a container needs a usable
    /// runtime: a container resource without one stops the whole AppHost, so Auto falls back to the local binary.
    /// </summary>
    public static PrometheusPlacement Choose(PrometheusMode requested, bool isPublishMode, Func<bool> containerRuntimeUsable, string? executablePath)
    {
        if (isPublishMode)
        {
            return new(PrometheusMode.Container, "publish mode deploys Prometheus as a container image");
        }

        switch (requested)
        {
            case PrometheusMode.None:
                return new(PrometheusMode.None, "Prometheus:Mode is none");
            case PrometheusMode.Container:
                return new(PrometheusMode.Container, "Prometheus:Mode is container");
            case PrometheusMode.Executable:
                return executablePath is null
                    ? new(PrometheusMode.None, "Prometheus:Mode is executable but no prometheus binary was found")
                    : new(PrometheusMode.Executable, "Prometheus:Mode is executable", executablePath);
        }

        if (containerRuntimeUsable())
        {
            return new(PrometheusMode.Container, "a container runtime is usable");
        }

        return executablePath is null
            ? new(PrometheusMode.None, "no container runtime is usable and no prometheus binary was found")
            : new(PrometheusMode.Executable, "no container runtime is usable; using the local prometheus binary", executablePath);
    }
}
