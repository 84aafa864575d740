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

    public string Create()
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        _created.Enqueue(directory);
        return directory;
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
