using System.Collections.Concurrent;

namespace KlineAspire.AppHost;

/// <summary>
/// The temporary directories made for a resource, one per start (a config and a TSDB for Prometheus). Kept on the
/// resource so that its start callback, the stop hook that deletes them (<see cref="TemporaryDirectoryExtensions"/>)
/// and tests all see the same list.
/// </summary>
internal sealed class TemporaryDirectoriesAnnotation(string prefix) : IResourceAnnotation
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentQueue<string> _created = new();

    public IReadOnlyCollection<string> Created => _created.ToArray();

    private string? _reserved;

    public string Create()
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        _created.Enqueue(directory);
        return directory;
    }

    /// <summary>
    /// Makes the directory the resource's next start will use (<see cref="TakeReservedOrCreate"/>), for a step that
    /// prepares it before the resource starts: the history import writes Prometheus' TSDB blocks there.
    /// </summary>
    public string Reserve()
    {
        var directory = Create();
        Interlocked.Exchange(ref _reserved, directory);
        return directory;
    }

    /// <summary>The directory <see cref="Reserve"/> prepared, once; a new one for every later start (a restart).</summary>
    public string TakeReservedOrCreate() => Interlocked.Exchange(ref _reserved, null) ?? Create();

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
