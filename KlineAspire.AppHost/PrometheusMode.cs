namespace KlineAspire.AppHost;

/// <summary>How Prometheus runs. <see cref="Auto"/> picks a container when a runtime is usable, else the local binary.</summary>
public enum PrometheusMode
{
    Auto,
    Container,
    Executable,
    None,
}
