using System.Collections.Concurrent;

namespace KlineAspire.AppHost;

/// <summary>
/// The temporary directory made for a resource (a config and a TSDB for Prometheus), one per AppHost run. Kept on the
/// resource so that its start callback, the stop hook that deletes them (<see cref="TemporaryDirectoryExtensions"/>)
/// and tests all see the same list.
/// </summary>
internal sealed class TemporaryDirectoriesAnnotation(string prefix) : IResourceAnnotation
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<string> _created = new();

    public IReadOnlyCollection<string> Created => _created.ToArray();

    private readonly Lock _gate = new();
    private string? _current;

    /// <summary>
    /// The directory the resource works in, made on first use and kept for every later start in this run: a step that
    /// prepares it before the resource starts (the history import writes Prometheus' TSDB blocks there, and goes on
    /// importing later history into it) and a restart from the dashboard (which keeps what Prometheus holds) see the same one.
    /// </summary>
    public string Current()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                _current = Directory.CreateTempSubdirectory(prefix).FullName;
                _created.Enqueue(_current);
            }

            return _current;
        }
    }

    /// <summary>
    /// Deletes every directory made so far. A process that was just killed may still be writing (Prometheus flushes
    /// its WAL on the way out), which makes a recursive delete fail on a file that appeared meanwhile: retry within
    /// <paramref name="patience"/>, then leave what remains rather than hold up the AppHost's exit.
    /// </summary>
    public void DeleteAll(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        foreach (var directory in _created)
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
