using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// What a resource instance wrote to its console so far, without colours: the console formatter prefixes each entry
/// with its level (<c>fail:</c>), and in Development the escape sequences sit inside that prefix, so an unstripped
/// line never contains <c>fail:</c> and a check for errors could not fail.
/// </summary>
public static partial class ResourceConsole
{
    /// <param name="app">The running AppHost.</param>
    /// <param name="resourceId">The instance's id (logs are kept per instance, not per model name).</param>
    public static async Task<List<string>> ReadAsync(DistributedApplication app, string resourceId)
    {
        var lines = new List<string>();
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        quiet.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(quiet.Token))
            {
                lines.AddRange(batch.Select(line => AnsiEscape().Replace(line.Content, string.Empty)));
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            // The backlog has been read; the watch would go on for as long as the resource runs.
        }

        return lines;
    }

    /// <summary>True for a line the console formatter wrote at Error or Critical.</summary>
    public static bool IsError(string line) => line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal);

    [GeneratedRegex("\x1B\\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
