namespace KlineAspire.Tests.Infrastructure;

/// <summary>Locates files of the repository from the test binaries, by walking up to <c>KlineAspire.sln</c>.</summary>
public static class RepositoryPaths
{
    public const string SolutionFile = "KlineAspire.sln";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The directory holding <c>KlineAspire.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>An absolute path from path segments relative to the repository root.</summary>
    public static string Combine(params string[] relative) => Path.Combine([Root, .. relative]);

    /// <summary>Files matching <paramref name="pattern"/> in a repository directory, sorted, as absolute paths.</summary>
    public static IReadOnlyList<string> Files(string relativeDirectory, string pattern)
    {
        var directory = Combine(relativeDirectory);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, pattern).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>A path relative to the repository root with forward slashes, for test names and messages.</summary>
    public static string Relative(string absolutePath) => Path.GetRelativePath(Root, absolutePath).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} found in {AppContext.BaseDirectory} or any parent directory.");
    }
}
