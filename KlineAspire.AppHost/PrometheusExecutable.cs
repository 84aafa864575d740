namespace KlineAspire.AppHost;

/// <summary>Finds the local <c>prometheus</c> binary: <c>Prometheus:Executable</c>, else <see cref="OverrideVariable"/>, else PATH.</summary>
internal static class PrometheusExecutable
{
    /// <summary>The environment variable the tests honour too, so one setting serves <c>dotnet run</c> and <c>dotnet test</c>.</summary>
    public const string OverrideVariable = "KLINE_PROMETHEUS";

    public static string? Find(string? configuredPath) =>
        ToolLocator.Find(string.IsNullOrWhiteSpace(configuredPath) ? Environment.GetEnvironmentVariable(OverrideVariable) : configuredPath, "prometheus");
}
