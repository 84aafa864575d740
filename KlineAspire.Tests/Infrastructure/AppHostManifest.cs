using System.Text.Json;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>The manifest the AppHost publishes for azd (<c>--publisher manifest</c>), as azd reads it.</summary>
public sealed record AppHostManifest(JsonElement Resources, string Directory)
{
    private static readonly Lazy<Task<AppHostManifest>> Default = new(() => PublishAsync());

    /// <summary>The manifest with the AppHost's default configuration, published once per test run.</summary>
    public static Task<AppHostManifest> DefaultAsync() => Default.Value;

    public static async Task<AppHostManifest> PublishAsync(params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("kline-manifest-").FullName;
        var output = Path.Combine(directory, "manifest.json");
        var (exitCode, printed) = await ProcessRun.RunAsync("dotnet",
            new[] { "run", "--project", "KlineAspire.AppHost", "--no-build", "--no-launch-profile", "--", "--publisher", "manifest", "--output-path",
                output }.Concat(extraArgs),
            TimeSpan.FromMinutes(2));
        Assert.True(exitCode == 0, $"manifest publishing failed:\n{printed}");
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        return new AppHostManifest(document.RootElement.GetProperty("resources").Clone(), directory);
    }

    /// <summary>A path in the manifest (relative to the manifest's directory) as an absolute path.</summary>
    public string FullPath(string manifestPath) => Path.GetFullPath(Path.Combine(Directory, manifestPath));
}
