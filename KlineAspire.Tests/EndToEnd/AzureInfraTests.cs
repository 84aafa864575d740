using System.Text.Json;
using System.Text.RegularExpressions;
using KlineAspire.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace KlineAspire.Tests.EndToEnd;

/// <summary>
/// The committed Azure infrastructure (<c>KlineAspire.AppHost/infra</c>, what <c>azd infra gen</c> would write, changed by
/// hand) against the AppHost's manifest, the Bicep compiler, and the container-app YAML azd renders from it. Nothing
/// here can be deployed from a test machine, so these checks are the evidence that <c>azd up</c> gets what the AppHost says.
/// </summary>
public partial class AzureInfraTests
{
    private static readonly string InfraDirectory = RepositoryPaths.Combine("KlineAspire.AppHost", "infra");

    private static readonly Lazy<Task<JsonElement>> CompiledMain = new(() => BicepCli.BuildAsync(Path.Combine(InfraDirectory, "main.bicep")));

    /// <summary>Set by azd itself, not by main.bicep's outputs.</summary>
    private static readonly Dictionary<string, string> AzdProvidedEnv = new()
    {
        ["AZURE_ENV_NAME"] = "kline-test",
        ["AZURE_LOCATION"] = "westeurope",
        ["AZURE_SUBSCRIPTION_ID"] = "00000000-0000-0000-0000-00000000000a",
    };

    /// <summary>main.bicep's own parameters (azd's and the Azure Monitor switch): everything else must be an AppHost parameter.</summary>
    private static readonly string[] InfraOnlyParameters = ["environmentName", "location", "principalId", "enableMonitorWorkspace"];

    /// <summary>Environment variables a template may set beyond the manifest's: azd's AZURE_CLIENT_ID, and remote write.</summary>
    private static readonly Dictionary<string, string[]> InfraOnlyEnv = new()
    {
        ["ingestor"] = ["AZURE_CLIENT_ID"],
        ["prometheus"] = ["AZURE_CLIENT_ID", "REMOTE_WRITE_URL", "REMOTE_WRITE_CLIENT_ID"],
    };

    private const string Domain = "happy-sea-0a1b2c3d.westeurope.azurecontainerapps.io";

    private const string SampleImage = "acrsample.azurecr.io/klineaspire/app:azd-deploy-1";

    /// <summary>
    /// The port azd learns from `dotnet publish /t:PublishContainer` for a project (8080 in .NET 8+); a different one here
    /// proves templates use it.
    /// </summary>
    private const int SampleProjectPort = 8081;

    [Fact]
    public async Task The_bicep_compiles_without_diagnostics_and_grants_prometheus_only_metrics_publishing_on_the_rule()
    {
        var main = await CompiledMain.Value;

        Assert.Equal("bool", main.GetProperty("parameters").GetProperty("enableMonitorWorkspace").GetProperty("type").GetString());
        Assert.True(main.GetProperty("parameters").GetProperty("enableMonitorWorkspace").GetProperty("defaultValue").GetBoolean(),
            "the Azure Monitor workspace is on by default");

        var nested = main.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "resources").GetProperty("properties")
            .GetProperty("template");
        var resources = nested.GetProperty("resources").EnumerateArray().ToList();
        var variables = nested.GetProperty("variables");
        Assert.Equal("3913510d-42f4-4e42-8a64-420c390055eb", variables.GetProperty("monitoringMetricsPublisherRole").GetString());

        var workspace = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Monitor/accounts");
        Assert.Equal("[parameters('enableMonitorWorkspace')]", workspace.GetProperty("condition").GetString());
        var rule = resources.Single(r => r.GetProperty("type").GetString() == "Microsoft.Insights/dataCollectionRules");
        Assert.Equal("[parameters('enableMonitorWorkspace')]", rule.GetProperty("condition").GetString());
        var flow = rule.GetProperty("properties").GetProperty("dataFlows").EnumerateArray().Single();
        Assert.Equal(["Microsoft-PrometheusMetrics"], flow.GetProperty("streams").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains("Microsoft.Monitor/accounts",
            rule.GetProperty("properties").GetProperty("destinations").GetProperty("monitoringAccounts")[0].GetProperty("accountResourceId").GetString());

        // Prometheus' identity holds exactly one role assignment, the publisher's: a second, broader one would fail here.
        var roleAssignments = resources.Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments").ToList();
        var prometheusAssignments = roleAssignments
            .Where(r => r.GetProperty("properties").GetProperty("principalId").GetString()!.Contains("mi-prometheus-", StringComparison.Ordinal))
            .ToList();
        var publisher = Assert.Single(prometheusAssignments);
        Assert.Equal("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('monitoringMetricsPublisherRole'))]",
            publisher.GetProperty("properties").GetProperty("roleDefinitionId").GetString());
        Assert.Contains("Microsoft.Insights/dataCollectionRules", publisher.GetProperty("scope").GetString());
        Assert.Contains("mi-prometheus-", publisher.GetProperty("properties").GetProperty("principalId").GetString());
        Assert.Equal("[parameters('enableMonitorWorkspace')]", publisher.GetProperty("condition").GetString());

        var remoteWriteUrl = nested.GetProperty("outputs").GetProperty("PROMETHEUS_REMOTE_WRITE_URL").GetProperty("value").GetString()!;
        Assert.StartsWith("[if(parameters('enableMonitorWorkspace'), ", remoteWriteUrl);
        Assert.Contains("/dataCollectionRules/{1}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24", remoteWriteUrl);
        Assert.Contains(".metricsIngestion.endpoint", remoteWriteUrl);
        Assert.Contains(".immutableId", remoteWriteUrl);
        Assert.EndsWith(", '')]", remoteWriteUrl);
    }

    [Fact]
    public async Task The_parameters_file_feeds_every_main_bicep_parameter_from_the_azd_environment()
    {
        var main = await CompiledMain.Value;
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "main.parameters.json"),
            TestContext.Current.CancellationToken));
        var values = file.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString());

        Assert.Equal(main.GetProperty("parameters").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            values.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("${AZURE_ENV_NAME}", values["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", values["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", values["principalId"]);
        Assert.Equal("${AZURE_MONITOR_WORKSPACE_ENABLED=true}", values["enableMonitorWorkspace"]);
    }

    [Fact]
    public async Task The_committed_templates_carry_exactly_what_the_manifest_deploys()
    {
        var manifest = await AppHostManifest.DefaultAsync();
        var main = await CompiledMain.Value;
        var resources = manifest.Resources.EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
        var apps = resources.Where(r => IsApp(r.Value)).Select(r => r.Key).Order(StringComparer.Ordinal).ToList();
        var manifestParameters = resources.Where(r => Type(r.Value) == "parameter.v0").Select(r => r.Key).ToList();

        // One template per app, and no template for an app the manifest no longer has.
        var templates = Directory.GetFiles(InfraDirectory, "*.tmpl.yaml").Select(f => Path.GetFileName(f)[..^".tmpl.yaml".Length])
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(apps, templates);
        Assert.Empty(Directory.GetFiles(InfraDirectory, "*.tmpl.bicepparam", SearchOption.AllDirectories));
        Assert.All(resources,
            r => Assert.True(IsApp(r.Value) || Type(r.Value) == "parameter.v0",
                $"manifest resource {r.Key} is a {Type(r.Value)}: the infrastructure does not deploy that kind"));

        // Parameters: every AppHost parameter is a main.bicep parameter with the manifest's default, fed from
        // AZURE_<NAME> and written back to it as an output (azd's parameterWithDefault reads it at deploy); nothing else.
        var bicepParameters = main.GetProperty("parameters");
        var outputs = main.GetProperty("outputs");
        Assert.Equal(
            manifestParameters.Select(p => p.Replace('-', '_')).Order(StringComparer.Ordinal),
            bicepParameters.EnumerateObject().Select(p => p.Name).Except(InfraOnlyParameters).Order(StringComparer.Ordinal));
        var parametersFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "main.parameters.json"),
            TestContext.Current.CancellationToken)).RootElement.GetProperty("parameters");
        foreach (var name in manifestParameters)
        {
            var bicepName = name.Replace('-', '_');
            var input = resources[name].GetProperty("inputs").GetProperty("value");
            Assert.False(input.TryGetProperty("secret", out var secret) && secret.GetBoolean(),
                $"{name} is secret: the templates would need securedParameter and a @secure() parameter");
            Assert.Equal(DefaultOf(resources[name]), bicepParameters.GetProperty(bicepName).TryGetProperty("defaultValue", out var d) ? d.GetString() : null);
            Assert.Equal($"${{{AzdTemplate.AzureSnakeCase(name)}}}", parametersFile.GetProperty(bicepName).GetProperty("value").GetString());
            Assert.Equal($"[parameters('{bicepName}')]", outputs.GetProperty(AzdTemplate.AzureSnakeCase(name)).GetProperty("value").GetString());
        }

        foreach (var app in apps)
        {
            var resource = resources[app];
            var text = await File.ReadAllTextAsync(Path.Combine(InfraDirectory, $"{app}.tmpl.yaml"), TestContext.Current.CancellationToken);
            // Twice: before the first provision (parameters fall back to the template's defaults) and after it (the
            // azd environment holds AZURE_<PARAMETER>, which must win).
            foreach (var overrideParameters in new[] { false, true })
            {
                var env = SampleEnv(main, manifestParameters, overrideParameters);
                var renderer = new AzdTemplate(env, SampleImage, IsProject(resource) ? SampleProjectPort : 0);
                var yaml = Yaml.Load(renderer.Render(text));
                var container = Assert.Single(yaml.Items("properties", "template", "containers"));
                Assert.Equal(app, container.Scalar("name"));

                AssertEnvMatches(app, resource, manifest, renderer, container);
                AssertIngressMatches(app, resource, renderer, yaml);
                AssertBuildMatches(app, resource, manifest, env, yaml, container);
                Assert.Equal(app, yaml.Scalar("tags", "azd-service-name"));
                Assert.Equal(app, yaml.Scalar("tags", "aspire-resource-name"));

                Assert.Empty(renderer.UsedParameters.Except(manifestParameters.Select(p => p.Replace('-', '_'))));
            }
        }
    }

    [Fact]
    public async Task The_rendered_container_apps_run_one_replica_each_behind_internal_ingress_and_are_wired_together()
    {
        var main = await CompiledMain.Value;
        var env = SampleEnv(main, ["symbols", "intervals"], overrideParameters: true);
        var ingestor = Yaml.Load(new AzdTemplate(env, SampleImage, SampleProjectPort)
            .Render(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "ingestor.tmpl.yaml"), TestContext.Current.CancellationToken)));
        var prometheus = Yaml.Load(new AzdTemplate(env, SampleImage, 0)
            .Render(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "prometheus.tmpl.yaml"), TestContext.Current.CancellationToken)));

        // Prometheus is public only when the AppHost says so (Prometheus:External); the ingestor never is.
        var prometheusPublic = (await AppHostManifest.DefaultAsync()).Resources.GetProperty("prometheus").GetProperty("bindings").GetProperty("http")
            .TryGetProperty("external", out var e) && e.GetBoolean();
        foreach (var (app, external) in new[] { (ingestor, false), (prometheus, prometheusPublic) })
        {
            Assert.Equal("2024-02-02-preview", app.Scalar("api-version"));
            Assert.Equal("westeurope", app.Scalar("location"));
            Assert.Equal(env["AZURE_CONTAINER_APPS_ENVIRONMENT_ID"], app.Scalar("properties", "environmentId"));
            // One replica: minimum and maximum, and no scale rule that could ask for more.
            Assert.Equal(["minReplicas", "maxReplicas"], app.At("properties", "template", "scale").Keys());
            Assert.Equal("1", app.Scalar("properties", "template", "scale", "minReplicas"));
            Assert.Equal("1", app.Scalar("properties", "template", "scale", "maxReplicas"));
            // One revision at a time, reachable only inside the Container Apps environment (by default).
            Assert.Equal("single", app.Scalar("properties", "configuration", "activeRevisionsMode"));
            Assert.Equal(external ? "true" : "false", app.Scalar("properties", "configuration", "ingress", "external"));
            Assert.False(app.At("properties", "configuration", "ingress").Has("additionalPortMappings"));
        }

        // The ingestor listens where its ingress sends (HTTP_PORTS = ingress targetPort = the port of the built image),
        // and its ingress takes plain HTTP, which is what Prometheus scrapes on port 80.
        var ingestorEnv = EnvOf(Assert.Single(ingestor.Items("properties", "template", "containers")));
        Assert.Equal(SampleProjectPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ingestor.Scalar("properties", "configuration", "ingress", "targetPort"));
        Assert.Equal(ingestor.Scalar("properties", "configuration", "ingress", "targetPort"), ingestorEnv["HTTP_PORTS"]);
        Assert.Equal("http", ingestor.Scalar("properties", "configuration", "ingress", "transport"));
        Assert.Equal("true", ingestor.Scalar("properties", "configuration", "ingress", "allowInsecure"));
        Assert.Equal(env["AZURE_SYMBOLS"], ingestorEnv["Binance__Symbols"]);
        Assert.Equal(env["AZURE_INTERVALS"], ingestorEnv["Binance__Intervals"]);

        var prometheusEnv = EnvOf(Assert.Single(prometheus.Items("properties", "template", "containers")));
        Assert.Equal($"ingestor.internal.{Domain}:80", prometheusEnv["INGESTOR_TARGET"]);
        Assert.Equal("9090", prometheus.Scalar("properties", "configuration", "ingress", "targetPort"));
        Assert.Equal(env["PROMETHEUS_REMOTE_WRITE_URL"], prometheusEnv["REMOTE_WRITE_URL"]);
        Assert.Equal(env["PROMETHEUS_MANAGED_IDENTITY_CLIENT_ID"], prometheusEnv["REMOTE_WRITE_CLIENT_ID"]);

        // Prometheus carries its publishing identity; the ingestor does not.
        Assert.Equal([env["AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID"], env["PROMETHEUS_MANAGED_IDENTITY_ID"]],
            prometheus.At("identity", "userAssignedIdentities").Keys());
        Assert.Equal([env["AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID"]], ingestor.At("identity", "userAssignedIdentities").Keys());

        // With the workspace switched off, main.bicep outputs an empty URL: the entrypoint then renders no remote_write.
        var off = new Dictionary<string, string>(env) { ["PROMETHEUS_REMOTE_WRITE_URL"] = "" };
        var prometheusOff = Yaml.Load(new AzdTemplate(off, SampleImage, 0)
            .Render(await File.ReadAllTextAsync(Path.Combine(InfraDirectory, "prometheus.tmpl.yaml"), TestContext.Current.CancellationToken)));
        Assert.Equal("", EnvOf(Assert.Single(prometheusOff.Items("properties", "template", "containers")))["REMOTE_WRITE_URL"]);
    }

    private static void AssertEnvMatches(string app, JsonElement resource, AppHostManifest manifest, AzdTemplate renderer, YamlNode container)
    {
        var actual = EnvOf(container);
        var expected = resource.TryGetProperty("env", out var env)
            ? env.EnumerateObject().ToDictionary(e => e.Name, e => renderer.Render(ToAzdExpression(e.Value.GetString()!, manifest)))
            : [];
        foreach (var (name, value) in expected)
        {
            Assert.True(actual.ContainsKey(name), $"{app}.tmpl.yaml lacks the manifest's env var {name}");
            Assert.True(value == actual[name], $"{app}.tmpl.yaml sets {name} = '{actual[name]}', the manifest makes azd render '{value}'");
        }

        var extra = actual.Keys.Except(expected.Keys).Except(InfraOnlyEnv.GetValueOrDefault(app, [])).ToList();
        Assert.True(extra.Count == 0, $"{app}.tmpl.yaml sets {string.Join(", ", extra)}, which the manifest does not have");
        Assert.Equal(InfraOnlyEnv.GetValueOrDefault(app, []).Order(StringComparer.Ordinal), actual.Keys.Except(expected.Keys).Order(StringComparer.Ordinal));
    }

    /// <summary>azd's ingress from the manifest's bindings (cli/azd/pkg/apphost/aca_ingress.go), for the HTTP-only case.</summary>
    private static void AssertIngressMatches(string app, JsonElement resource, AzdTemplate renderer, YamlMappingNode yaml)
    {
        var bindings = resource.GetProperty("bindings").EnumerateObject().ToList();
        Assert.NotEmpty(bindings);
        Assert.All(bindings,
            b => Assert.True(b.Value.GetProperty("scheme").GetString() is "http" or "https",
                $"{app} binding {b.Name} is not HTTP: it needs additionalPortMappings, which the templates do not have"));
        var targetPorts = bindings.Select(b => b.Value.TryGetProperty("targetPort", out var p) ? p.GetInt32() : 0).Distinct().ToList();
        Assert.True(targetPorts.Count == 1, $"{app} bindings use several container ports: they need additionalPortMappings");
        var external = bindings.Any(b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean());
        var http2 = bindings.Any(b => b.Value.GetProperty("transport").GetString() == "http2");
        var defaultPort = Type(resource) is "project.v0" or "project.v1" or "container.v1" ? 8080 : 80;
        var expectedPort = targetPorts[0] != 0
            ? targetPorts[0].ToString(System.Globalization.CultureInfo.InvariantCulture)
            : renderer.Render($"{{{{ targetPortOrDefault {defaultPort} }}}}");

        var ingress = yaml.At("properties", "configuration", "ingress");
        Assert.Equal(["external", "targetPort", "transport", "allowInsecure"], ingress.Keys());
        Assert.Equal(external ? "true" : "false", ingress.Scalar("external"));
        Assert.Equal(expectedPort, ingress.Scalar("targetPort"));
        Assert.Equal(http2 ? "http2" : "http", ingress.Scalar("transport"));
        Assert.Equal(http2 || !external ? "true" : "false", ingress.Scalar("allowInsecure"));
    }

    /// <summary>Built apps (projects, Dockerfiles) run the image azd pushed to the registry it provisions; others their image.</summary>
    private static void AssertBuildMatches(string app, JsonElement resource, AppHostManifest manifest, IReadOnlyDictionary<string, string> env,
        YamlMappingNode yaml, YamlNode container)
    {
        var built = IsProject(resource) || resource.TryGetProperty("build", out _) || Type(resource) == "dockerfile.v0";
        Assert.Equal(built ? SampleImage : resource.GetProperty("image").GetString(), container.Scalar("image"));
        var registry = Assert.Single(yaml.Items("properties", "configuration", "registries"));
        Assert.Equal(env["AZURE_CONTAINER_REGISTRY_ENDPOINT"], registry.Scalar("server"));
        Assert.Equal(env["AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID"], registry.Scalar("identity"));
        Assert.Contains(env["AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID"], yaml.At("identity", "userAssignedIdentities").Keys());

        if (IsProject(resource))
        {
            Assert.True(File.Exists(manifest.FullPath(resource.GetProperty("path").GetString()!)), $"{app}'s project exists");
        }
        else if (resource.TryGetProperty("build", out var build))
        {
            var dockerfile = manifest.FullPath(build.GetProperty("dockerfile").GetString()!);
            Assert.True(File.Exists(dockerfile), $"{app}'s Dockerfile {dockerfile} exists");
            Assert.True(Directory.Exists(manifest.FullPath(build.GetProperty("context").GetString()!)), $"{app}'s build context exists");
            Assert.False(build.TryGetProperty("args", out _), $"{app} has build args: check azd passes them");
            var exposed = ExposeLine().Matches(File.ReadAllText(dockerfile))
                .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.All(resource.GetProperty("bindings").EnumerateObject(), b => Assert.Contains(b.Value.GetProperty("targetPort").GetInt32(), exposed));
        }

        Assert.False(resource.TryGetProperty("args", out _), $"{app} has args: the templates have none");
        Assert.False(resource.TryGetProperty("volumes", out _), $"{app} has volumes: the templates have none");
        Assert.False(resource.TryGetProperty("bindMounts", out _), $"{app} has bind mounts: the templates have none");
    }

    /// <summary>
    /// What azd writes into the YAML for a manifest value (cli/azd/pkg/apphost/generate.go, evalBindingRef), for the
    /// expressions this AppHost uses; anything else fails, so a new kind of reference gets looked at.
    /// </summary>
    private static string ToAzdExpression(string value, AppHostManifest manifest) => Reference().Replace(value, match =>
    {
        var parts = match.Groups["ref"].Value.Split('.');
        var resource = manifest.Resources.GetProperty(parts[0]);
        if (Type(resource) == "parameter.v0" && parts is [_, "value"])
        {
            var name = parts[0].Replace('-', '_');
            return DefaultOf(resource) is { } defaultValue
                ? $"{{{{ parameterWithDefault \"{name}\" \"{defaultValue}\"}}}}"
                : $"{{{{ parameter \"{name}\" }}}}";
        }

        if (parts is [_, "bindings", var bindingName, var property])
        {
            var binding = resource.GetProperty("bindings").GetProperty(bindingName);
            var scheme = binding.GetProperty("scheme").GetString()!;
            Assert.True(scheme is "http" or "https", $"{match.Value}: only HTTP bindings (on the main ingress) are handled");
            var external = binding.TryGetProperty("external", out var e) && e.GetBoolean();
            var host = $"{parts[0]}.{(external ? "" : "internal.")}{{{{ .Env.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN }}}}";
            return property switch
            {
                "host" => host,
                "port" => scheme == "http" ? "80" : "443",
                "targetPort" => binding.TryGetProperty("targetPort", out var port)
                    ? port.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "{{ targetPortOrDefault 0 }}",
                "scheme" => scheme,
                "url" => $"{scheme}://{host}",
                _ => throw new NotSupportedException($"{match.Value}: binding property {property} is not handled"),
            };
        }

        throw new NotSupportedException($"{match.Value}: this kind of manifest reference is not handled; see how azd renders it");
    });

    private static Dictionary<string, string> EnvOf(YamlNode container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in container.Items("env"))
        {
            Assert.Equal(["name", "value"], item.Keys());
            Assert.True(env.TryAdd(item.Scalar("name"), item.Scalar("value")), $"env var {item.Scalar("name")} is set twice");
        }

        return env;
    }

    /// <summary>The azd environment after provisioning: every main.bicep output (sample values) plus what azd sets itself.</summary>
    private static Dictionary<string, string> SampleEnv(JsonElement main, IEnumerable<string> manifestParameters, bool overrideParameters)
    {
        var parameterOutputs = manifestParameters.Select(AzdTemplate.AzureSnakeCase).ToHashSet(StringComparer.Ordinal);
        var env = new Dictionary<string, string>(AzdProvidedEnv, StringComparer.Ordinal);
        foreach (var output in main.GetProperty("outputs").EnumerateObject())
        {
            if (parameterOutputs.Contains(output.Name))
            {
                if (overrideParameters)
                {
                    env[output.Name] = $"set-by-azd-env-{output.Name.ToLowerInvariant()}";
                }

                continue;
            }

            env[output.Name] = output.Name switch
            {
                "AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN" => Domain,
                "AZURE_CONTAINER_REGISTRY_ENDPOINT" => "acrsample.azurecr.io",
                "AZURE_CONTAINER_APPS_ENVIRONMENT_ID" => "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-kline-test/providers/Microsoft.App/managedEnvironments/cae-sample",
                "AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID" => "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-kline-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-sample",
                "PROMETHEUS_MANAGED_IDENTITY_ID" => "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg-kline-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/mi-prometheus-sample",
                "MANAGED_IDENTITY_CLIENT_ID" => "11111111-1111-1111-1111-111111111111",
                "PROMETHEUS_MANAGED_IDENTITY_CLIENT_ID" => "22222222-2222-2222-2222-222222222222",
                "PROMETHEUS_REMOTE_WRITE_URL" => "https://dce-sample-abcd.westeurope-1.metrics.ingest.monitor.azure.com/dataCollectionRules/dcr-00000000000000000000000000000000/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24",
                _ => $"sample-{output.Name.ToLowerInvariant()}",
            };
        }

        return env;
    }

    private static string? DefaultOf(JsonElement parameter) =>
        parameter.GetProperty("inputs").GetProperty("value").TryGetProperty("default", out var d) && d.TryGetProperty("value", out var v)
            ? v.GetString()
            : null;

    private static string? Type(JsonElement resource) => resource.GetProperty("type").GetString();

    private static bool IsProject(JsonElement resource) => Type(resource) is "project.v0" or "project.v1";

    private static bool IsApp(JsonElement resource) => Type(resource) is "project.v0" or "project.v1" or "container.v0" or "container.v1" or "dockerfile.v0";

    [GeneratedRegex(@"\{(?<ref>[^{}]+)\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^\s*EXPOSE\s+([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex ExposeLine();
}
