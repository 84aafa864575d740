using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Unit;

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

    /// <summary>
    /// azd provisions from <c>infra.path</c> when it holds <c>main.bicep</c> (cli/azd/pkg/project/importer.go), and deploys
    /// each app from <c>&lt;AppHost directory&gt;/infra/&lt;name&gt;.tmpl.yaml</c> (service_target_dotnet_containerapp.go):
    /// both must be the committed KlineAspire.AppHost/infra, or azd silently generates its own.
    /// </summary>
    [Fact]
    public void Azd_provisions_and_deploys_from_the_committed_infra_next_to_the_apphost()
    {
        var root = Yaml.Load(File.ReadAllText(RepositoryPaths.Combine("azure.yaml")));

        Assert.Equal("bicep", root.Scalar("infra", "provider"));
        var infra = root.Scalar("infra", "path");
        Assert.Equal("KlineAspire.AppHost/infra", infra);
        Assert.True(File.Exists(RepositoryPaths.Combine(infra, "main.bicep")), "main.bicep is in infra.path");
        Assert.True(File.Exists(RepositoryPaths.Combine(infra, "main.parameters.json")), "main.parameters.json is in infra.path");

        var service = Assert.Single(root.At("services").Keys());
        var appHostDirectory = Path.GetDirectoryName(RepositoryPaths.Combine(root.Scalar("services", service, "project")))!;
        Assert.Equal(Path.GetFullPath(RepositoryPaths.Combine(infra)), Path.GetFullPath(Path.Combine(appHostDirectory, "infra")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(appHostDirectory, "infra"), "*.tmpl.yaml"));
    }
}
