using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.AppHost;

public class AzureYamlTests
{
    [Fact]
    public void Azd_is_pointed_at_the_apphost_as_a_container_app()
    {
        var lines = File.ReadAllLines(RepositoryPaths.Combine("azure.yaml")).Select(line => line.Trim()).ToList();

        Assert.Contains("host: containerapp", lines);
        Assert.Contains("language: dotnet", lines);
        var project = lines.Single(line => line.StartsWith("project:", StringComparison.Ordinal))["project:".Length..].Trim();
        Assert.EndsWith("KlineAspire.AppHost.csproj", project);
        Assert.True(File.Exists(RepositoryPaths.Combine(project)), $"{project} exists");
    }
}
