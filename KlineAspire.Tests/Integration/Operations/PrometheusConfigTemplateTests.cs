using KlineAspire.AppHost;
using KlineAspire.Tests.Infrastructure;

namespace KlineAspire.Tests.Integration.Operations;

public class PrometheusConfigTemplateTests
{
    private const string Placeholder = "__[A-Z][A-Z_]*__";

    [Fact]
    public async Task The_rendered_configuration_and_its_rules_pass_promtool()
    {
        ExternalTool.Promtool.Require();
        var output = Directory.CreateTempSubdirectory("kline-config-").FullName;

        var configFile = PrometheusConfigTemplate.WriteDirectory(RepositoryPaths.Combine("prometheus"), "localhost:5180", "1s", output);

        var config = await File.ReadAllTextAsync(configFile, TestContext.Current.CancellationToken);
        Assert.Contains("targets: [\"localhost:5180\"]", config);
        // No placeholder left (Prometheus' own __name__ label is lower case).
        Assert.DoesNotMatch(Placeholder, config);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "rules"), "*.yml"));
        var (exitCode, text) = await Promtool.RunAsync("check", "config", configFile);
        Assert.True(exitCode == 0, text);
        Assert.Contains("SUCCESS", text);
    }

    [Fact]
    public void The_container_entrypoint_fills_the_same_placeholders_as_the_apphost()
    {
        var template = File.ReadAllText(RepositoryPaths.Combine("prometheus", "prometheus.yml.template"));
        var entrypoint = File.ReadAllText(RepositoryPaths.Combine("prometheus", "docker-entrypoint.sh"));
        var placeholders = System.Text.RegularExpressions.Regex.Matches(template, Placeholder).Select(m => m.Value).Distinct().ToList();

        Assert.Equal(["__INGESTOR_TARGET__", "__RULES_DIR__", "__SCRAPE_INTERVAL__"], placeholders.Order(StringComparer.Ordinal));
        Assert.All(placeholders, placeholder => Assert.Contains($"s|{placeholder}|", entrypoint));
        Assert.DoesNotMatch(Placeholder, PrometheusConfigTemplate.Render(template, "t:1", "1s", "/r"));
    }
}
