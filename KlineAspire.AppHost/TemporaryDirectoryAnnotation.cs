namespace KlineAspire.AppHost;

/// <summary>
/// The temporary directory a resource works in (a config and a TSDB for Prometheus), one per AppHost run. Kept on the
/// resource so that its start callback, the steps that prepare it, the stop hook that deletes it
/// (<see cref="TemporaryDirectoryExtensions"/>) and tests all see the same one.
/// </summary>
internal sealed class TemporaryDirectoryAnnotation(string prefix) : IResourceAnnotation
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly Lock _gate = new();
    private string? _current;

    /// <summary>The directory, once made; none before the resource (or a step preparing it) first needed it.</summary>
    public IReadOnlyCollection<string> Created
    {
        get
        {
            lock (_gate)
            {
                return _current is null ? [] : [_current];
            }
        }
    }

    /// <summary>
    /// The directory the resource works in, made on first use and kept for every later start in this run: a step that
    /// prepares it before the resource starts (the history import writes Prometheus' TSDB blocks there, and goes on
    /// importing later history into it) and a restart from the dashboard (which keeps what Prometheus holds) see the same one.
    /// </summary>
    public string Current()
    {
        lock (_gate)
        {
            return _current ??= Directory.CreateTempSubdirectory(prefix).FullName;
        }
    }

    /// <summary>
    /// Deletes the directory, if it was made. A process that was just killed may still be writing (Prometheus flushes
    /// its WAL on the way out), which makes a recursive delete fail on a file that appeared meanwhile: retry within
    /// <paramref name="patience"/>, then leave what remains rather than hold up the AppHost's exit.
    /// </summary>
    public void Delete(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        foreach (var directory in Created)
        {
            while (!TryDelete(directory) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(RetryDelay);
            }
        }
    }

    private static bool TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
