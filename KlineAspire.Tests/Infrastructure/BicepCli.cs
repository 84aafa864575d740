using System.Reflection;
using System.Text.Json;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// The Bicep compiler from the NuGet package <c>Azure.Bicep.CommandLine.linux-x64</c>, which the test project restores
/// (download only) and whose folder it records as assembly metadata: <c>dotnet test</c> alone brings it.
/// </summary>
public static class BicepCli
{
    private static readonly Lazy<string> LazyExecutable = new(Locate);

    public static string Executable => LazyExecutable.Value;

    private static bool IsSupportedPlatform =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;

    /// <summary>Compiles a Bicep file to an ARM template; fails the test with Bicep's own words on any diagnostic.</summary>
    public static async Task<JsonElement> BuildAsync(string bicepFile)
    {
        if (!IsSupportedPlatform)
        {
            // CI runs linux-x64; elsewhere the restored package has no runnable compiler.
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "CI must run on linux-x64 to compile the Bicep");
            Assert.Skip("The test project restores the linux-x64 Bicep CLI only.");
        }

        var output = Path.Combine(Directory.CreateTempSubdirectory("kline-bicep-").FullName, Path.GetFileNameWithoutExtension(bicepFile) + ".json");
        var (exitCode, printed) = await ProcessRun.RunAsync(
            Executable,
            ["build", bicepFile, "--outfile", output],
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1", ["BICEP_TRACING_ENABLED"] = null });
        Assert.True(exitCode == 0, $"bicep build {RepositoryPaths.Relative(bicepFile)} failed:\n{printed}");
        // Errors fail the build; warnings (linter included) do not, so they are failures here.
        Assert.True(printed.Trim().Length == 0, $"bicep build {RepositoryPaths.Relative(bicepFile)} printed diagnostics:\n{printed}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        return document.RootElement.Clone();
    }

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux() || !IsSupportedPlatform)
        {
            throw new PlatformNotSupportedException("The test project restores the linux-x64 Bicep CLI only.");
        }

        var packageDirectory = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == "BicepPackageDirectory")?.Value;
        if (string.IsNullOrEmpty(packageDirectory))
        {
            throw new InvalidOperationException(
                "The test assembly does not know where NuGet put Azure.Bicep.CommandLine.linux-x64 (see KlineAspire.Tests.csproj).");
        }

        var executable = Path.Combine(packageDirectory, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} does not exist: restore KlineAspire.Tests again.");
        }

        // A package is a zip: depending on the NuGet client the execute bit may be missing after extraction.
        const UnixFileMode Execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) != 0)
        {
            return executable;
        }

        try
        {
            File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | Execute);
            return executable;
        }
        catch (UnauthorizedAccessException)
        {
            // A read-only package folder (shared cache): run a private copy instead.
            var copy = Path.Combine(Directory.CreateTempSubdirectory("kline-bicep-cli-").FullName, "bicep");
            File.Copy(executable, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | Execute);
            return copy;
        }
    }
}
