namespace KlineAspire.AppHost;

internal static class RepositoryDirectoryExtensions
{
    /// <summary>A top-level directory of the repository (<c>prometheus</c>, <c>grafana</c>), next to the AppHost project.</summary>
    public static string RepositoryDirectory(this IDistributedApplicationBuilder builder, string name) =>
        Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", name));
}
