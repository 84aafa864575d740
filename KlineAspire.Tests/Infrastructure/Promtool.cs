using System.Diagnostics;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Runs <c>promtool</c> (<see cref="ExternalTool.Promtool"/>).</summary>
public static class Promtool
{
    /// <summary>Lints an exposition with <c>promtool check metrics</c>; returns the exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var start = new ProcessStartInfo(ExternalTool.Promtool.Require(), "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output);
    }

    /// <summary>Runs <c>promtool</c> with the given arguments; returns the exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        ProcessRun.RunAsync(ExternalTool.Promtool.Require(), arguments, TimeSpan.FromMinutes(2));

    /// <summary>Validates rule files with <c>promtool check rules</c>.</summary>
    public static Task<(int ExitCode, string Output)> CheckRulesAsync(string ruleFile) => RunAsync("check", "rules", ruleFile);

    /// <summary>Runs rule unit tests with <c>promtool test rules</c>; rule_files in the test file are relative to it.</summary>
    public static Task<(int ExitCode, string Output)> TestRulesAsync(string testFile) => RunAsync("test", "rules", testFile);
}
