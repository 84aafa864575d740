namespace KlineAspire.AppHost;

/// <summary>Finds the local <c>prometheus</c> binary: the configured path, else the first one on PATH.</summary>
internal static class PrometheusExecutable
{
    public static string? Find(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath) ? Path.GetFullPath(configuredPath) : null;
        }

        var name = OperatingSystem.IsWindows() ? "prometheus.exe" : "prometheus";
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
