namespace KlineAspire.AppHost;

/// <summary>
/// Finds a command-line tool the way a shell would, after an override: the AppHost and the tests look for
/// <c>prometheus</c>, <c>promtool</c> and Chromium this way, so one setting points both at the same binary.
/// </summary>
internal static class ToolLocator
{
    /// <summary>
    /// The override when one is given (a path, or a bare name looked up on PATH), else the first of
    /// <paramref name="names"/> found on PATH; <c>null</c> when there is none. A wrong override is not passed over
    /// for something else on PATH: whoever set it meant that binary.
    /// </summary>
    public static string? Find(string? overridePath, params IReadOnlyList<string> names) =>
        FindIn(Environment.GetEnvironmentVariable("PATH"), overridePath, names);

    /// <summary><see cref="Find"/> with <paramref name="searchPath"/> standing for PATH.</summary>
    public static string? FindIn(string? searchPath, string? overridePath, IReadOnlyList<string> names)
    {
        var directories = (searchPath ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return IsBareName(overridePath) ? FindOnPath(directories, overridePath) : ExistingFile(overridePath);
        }

        return names.Select(name => FindOnPath(directories, name)).FirstOrDefault(path => path is not null);
    }

    private static bool IsBareName(string path) => Path.GetFileName(path) == path;

    private static string? ExistingFile(string path) => File.Exists(path) ? Path.GetFullPath(path) : null;

    private static string? FindOnPath(IEnumerable<string> directories, string name)
    {
        var fileName = OperatingSystem.IsWindows() && !Path.HasExtension(name) ? name + ".exe" : name;
        return directories.Select(directory => Path.Combine(directory, fileName)).FirstOrDefault(File.Exists);
    }
}
