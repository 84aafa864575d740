using KlineAspire.AppHost;

namespace KlineAspire.Tests.Unit;

/// <summary>How the AppHost and the tests find prometheus, promtool and Chromium: override first, then PATH.</summary>
public sealed class ToolLocatorTests : IDisposable
{
    private readonly DirectoryInfo _first = Directory.CreateTempSubdirectory("kline-tools-first-");
    private readonly DirectoryInfo _second = Directory.CreateTempSubdirectory("kline-tools-second-");

    private string SearchPath => string.Join(Path.PathSeparator, _first.FullName, _second.FullName);

    [Fact]
    public void Without_an_override_the_first_name_found_on_path_wins_over_later_names()
    {
        var browser = Install(_second, "chromium-browser");
        Install(_first, "google-chrome");

        Assert.Equal(browser, ToolLocator.FindIn(SearchPath, overridePath: null, ["chromium", "chromium-browser", "google-chrome"]));
    }

    [Fact]
    public void Earlier_path_directories_win_for_the_same_name()
    {
        var first = Install(_first, "prometheus");
        Install(_second, "prometheus");

        Assert.Equal(first, ToolLocator.FindIn(SearchPath, overridePath: null, ["prometheus"]));
    }

    [Fact]
    public void An_override_path_wins_over_path()
    {
        Install(_first, "prometheus");
        var elsewhere = Install(Directory.CreateDirectory(Path.Combine(_second.FullName, "opt")), "prometheus-2.53");

        Assert.Equal(elsewhere, ToolLocator.FindIn(SearchPath, elsewhere, ["prometheus"]));
    }

    [Fact]
    public void An_override_naming_a_missing_file_finds_nothing_rather_than_another_binary()
    {
        Install(_first, "prometheus");

        Assert.Null(ToolLocator.FindIn(SearchPath, Path.Combine(_second.FullName, "missing", "prometheus"), ["prometheus"]));
    }

    [Fact]
    public void A_bare_override_name_is_looked_up_on_path()
    {
        var promtool = Install(_second, "promtool-2");

        Assert.Equal(promtool, ToolLocator.FindIn(SearchPath, "promtool-2", ["promtool"]));
    }

    [Fact]
    public void Nothing_installed_is_null()
    {
        Assert.Null(ToolLocator.FindIn(SearchPath, overridePath: null, ["prometheus"]));
        Assert.Null(ToolLocator.FindIn(searchPath: null, overridePath: null, ["prometheus"]));
    }

    private static string Install(DirectoryInfo directory, string name)
    {
        var path = Path.Combine(directory.FullName, OperatingSystem.IsWindows() ? name + ".exe" : name);
        File.WriteAllText(path, string.Empty);
        return path;
    }

    public void Dispose()
    {
        _first.Delete(recursive: true);
        _second.Delete(recursive: true);
    }
}
