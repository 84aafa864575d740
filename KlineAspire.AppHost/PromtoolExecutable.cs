namespace KlineAspire.AppHost;

/// <summary>
/// Finds <c>promtool</c> for the history import: <see cref="OverrideVariable"/>, else the one beside the Prometheus
/// binary (they ship together), else PATH.
/// </summary>
internal static class PromtoolExecutable
{
    /// <summary>The environment variable the tests honour too.</summary>
    public const string OverrideVariable = "KLINE_PROMTOOL";

    public static string? Find(string prometheusPath)
    {
        var beside = Path.Combine(Path.GetDirectoryName(prometheusPath) ?? ".", OperatingSystem.IsWindows() ? "promtool.exe" : "promtool");
        return Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } configured
            ? ToolLocator.Find(configured, "promtool")
            : File.Exists(beside) ? beside : ToolLocator.Find(null, "promtool");
    }
}
