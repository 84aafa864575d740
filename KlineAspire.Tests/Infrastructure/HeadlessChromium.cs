using System.Collections.Concurrent;
using System.Diagnostics;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>The page a headless browser rendered: its serialized DOM and the screenshot it saved.</summary>
public sealed record RenderedPage(string Dom, string ScreenshotPath, string BrowserLog);

/// <summary>
/// Chromium (<see cref="ExternalTool.Chromium"/>) in headless mode, run once per page: it loads the URL, lets the page's scripts and
/// requests settle within a virtual-time budget, then saves a screenshot and prints the DOM, from the same render.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>
    /// Renders <paramref name="url"/> in a fresh profile and returns the DOM after <paramref name="virtualTimeBudget"/>
    /// of page time, with a PNG of the viewport saved to <paramref name="screenshotPath"/>. Chromium is killed (with
    /// its child processes) when it takes longer than <paramref name="timeout"/> of real time.
    /// </summary>
    public static async Task<RenderedPage> RenderAsync(Uri url, string screenshotPath, TimeSpan timeout, int width = 1400, int height = 900,
        TimeSpan? virtualTimeBudget = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshotPath))!);
        File.Delete(screenshotPath);
        var profile = Directory.CreateTempSubdirectory("kline-chromium-").FullName;
        var binary = ExternalTool.Chromium.Require();
        var start = new ProcessStartInfo(binary)
        {
            ArgumentList =
            {
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                $"--user-data-dir={profile}",
                $"--window-size={width},{height}",
                $"--virtual-time-budget={(int)(virtualTimeBudget ?? TimeSpan.FromSeconds(15)).TotalMilliseconds}",
                $"--screenshot={Path.GetFullPath(screenshotPath)}",
                "--dump-dom",
                url.AbsoluteUri,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
        var log = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (sender, line) => Remember(log, line.Data);
        process.BeginErrorReadLine();
        var dom = process.StandardOutput.ReadToEndAsync(cancellationToken);
        string Log() => string.Join(Environment.NewLine, log);

        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
                var page = await dom.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"chromium exited with code {process.ExitCode} rendering {url}:{Environment.NewLine}{Log()}");
                }

                return new RenderedPage(page, screenshotPath, Log());
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"chromium did not finish rendering {url} within {timeout}; killed it.{Environment.NewLine}{Log()}");
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            }

            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A helper process may still hold a file for a moment; the temp profile is harmless.
            }
        }
    }

    private static void Remember(ConcurrentQueue<string> log, string? line)
    {
        if (line is null)
        {
            return;
        }

        log.Enqueue(line);
        while (log.Count > 100 && log.TryDequeue(out _))
        {
        }
    }
}
