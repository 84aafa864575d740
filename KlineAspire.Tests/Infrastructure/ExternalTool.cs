using KlineAspire.AppHost;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// A program the tests run, found as the AppHost finds Prometheus (<see cref="ToolLocator"/>): the path in its
/// override variable, else the first of its usual names on PATH.
/// </summary>
public sealed class ExternalTool
{
    public static readonly ExternalTool Prometheus = new(PrometheusExecutable.OverrideVariable, "apt-get install -y prometheus", "prometheus");

    public static readonly ExternalTool Promtool = new("KLINE_PROMTOOL", "apt-get install -y prometheus", "promtool");

    public static readonly ExternalTool Chromium = new("KLINE_CHROMIUM", "apt-get install -y chromium", "chromium", "chromium-browser", "google-chrome");

    private readonly Lazy<string?> _path;

    private ExternalTool(string overrideVariable, string installHint, params string[] names)
    {
        OverrideVariable = overrideVariable;
        InstallHint = installHint;
        Names = names;
        _path = new(() => ToolLocator.Find(Environment.GetEnvironmentVariable(OverrideVariable), Names));
    }

    public string OverrideVariable { get; }

    public string InstallHint { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The absolute path of the binary, or <c>null</c> when it is not installed.</summary>
    public string? Path => _path.Value;

    /// <summary>
    /// The binary's path. CI installs the tools (<c>.ci/run</c>), so there a missing one fails the test; on a
    /// developer machine the test is skipped with what to install.
    /// </summary>
    public string Require()
    {
        if (Path is { } path)
        {
            return path;
        }

        var missing = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } configured
            ? $"{OverrideVariable}={configured} names no existing file"
            : $"none of {string.Join(", ", Names)} is on PATH (install: {InstallHint}, or set {OverrideVariable} to the binary)";
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), $"Required in CI: {missing}");
        Assert.Skip(missing);
        return string.Empty;
    }
}
