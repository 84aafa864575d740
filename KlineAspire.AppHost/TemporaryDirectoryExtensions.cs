using Microsoft.Extensions.Hosting;

namespace KlineAspire.AppHost;

internal static class TemporaryDirectoryExtensions
{
    /// <summary>How long the AppHost's exit may wait for a just-killed process to let go of its directory.</summary>
    private static readonly TimeSpan DeletePatience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gives the resource a temporary directory (see <see cref="TemporaryDirectoryAnnotation.Current"/>), deleted once
    /// the AppHost has stopped: by then the orchestrator has stopped the resource's processes, so nothing outlives
    /// the run in the machine's temp folder.
    /// </summary>
    public static TemporaryDirectoryAnnotation WithTemporaryDirectory<T>(this IResourceBuilder<T> resource, string prefix)
        where T : IResource
    {
        var directory = new TemporaryDirectoryAnnotation(prefix);
        resource.WithAnnotation(directory);
        resource.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => directory.Delete(DeletePatience));
            return Task.CompletedTask;
        });
        return directory;
    }
}
