using System.Text.RegularExpressions;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// The few Go-template constructs azd evaluates in a container app's <c>&lt;name&gt;.tmpl.yaml</c> at deploy time
/// (Azure/azure-dev, cli/azd/pkg/project/service_target_dotnet_containerapp.go): <c>{{ .Env.X }}</c>, <c>{{ .Image }}</c>,
/// <c>{{ targetPortOrDefault N }}</c>, <c>{{ parameter "p" }}</c>, <c>{{ securedParameter "p" }}</c> and
/// <c>{{ parameterWithDefault "p" "default" }}</c>. Like azd (<c>missingkey=error</c>), anything unknown or missing throws.
/// </summary>
public sealed partial class AzdTemplate
{
    private readonly HashSet<string> _usedEnv = new(StringComparer.Ordinal);
    private readonly HashSet<string> _usedParameters = new(StringComparer.Ordinal);

    /// <param name="env">The azd environment: provisioning outputs plus AZURE_* values.</param>
    /// <param name="image">What azd pushed for this app.</param>
    /// <param name="builtPort">
    /// The port azd learned from building the image: the .NET SDK container's port for projects, 0 for Dockerfile
    /// builds (then <c>targetPortOrDefault</c> gives its argument).
    /// </param>
    public AzdTemplate(IReadOnlyDictionary<string, string> env, string image, int builtPort)
    {
        Env = env;
        Image = image;
        BuiltPort = builtPort;
    }

    public IReadOnlyDictionary<string, string> Env { get; }

    public string Image { get; }

    public int BuiltPort { get; }

    /// <summary>The <c>.Env</c> names the rendered templates used.</summary>
    public IReadOnlySet<string> UsedEnv => _usedEnv;

    /// <summary>The AppHost parameters the rendered templates used.</summary>
    public IReadOnlySet<string> UsedParameters => _usedParameters;

    public string Render(string template)
    {
        var rendered = Action().Replace(template, match => Evaluate(match.Groups["body"].Value.Trim()));
        if (rendered.Contains("{{", StringComparison.Ordinal) || rendered.Contains("}}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Template action left unrendered in:\n{rendered}");
        }

        return rendered;
    }

    /// <summary>azd's environment name for a parameter (<c>scaffold.AzureSnakeCase</c>): symbols → AZURE_SYMBOLS.</summary>
    public static string AzureSnakeCase(string name) =>
        "AZURE_" + CamelCaseBoundary().Replace(name, "${1}_${2}").ToUpperInvariant().Replace('-', '_');

    private string Evaluate(string body)
    {
        if (body == ".Image")
        {
            return Image;
        }

        if (body.StartsWith(".Env.", StringComparison.Ordinal))
        {
            var name = body[".Env.".Length..];
            _usedEnv.Add(name);
            return Env.TryGetValue(name, out var value) ? value
                : throw new KeyNotFoundException($"{{{{ .Env.{name} }}}}: {name} is not in the azd environment (no such output of main.bicep)");
        }

        var call = Call().Match(body);
        if (!call.Success)
        {
            throw new NotSupportedException($"Unknown template action {{{{ {body} }}}}: teach {nameof(AzdTemplate)} what azd does with it.");
        }

        var arguments = call.Groups["args"].Captures.Select(c => c.Value).ToList();
        switch (call.Groups["fn"].Value, arguments.Count)
        {
            case ("targetPortOrDefault", 1):
                return BuiltPort == 0 ? arguments[0] : BuiltPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case ("parameterWithDefault", 2):
                _usedParameters.Add(Unquote(arguments[0]));
                return Env.TryGetValue(AzureSnakeCase(Unquote(arguments[0])), out var set) ? set : Unquote(arguments[1]);
            case ("parameter" or "securedParameter", 1):
                _usedParameters.Add(Unquote(arguments[0]));
                return Env.TryGetValue(AzureSnakeCase(Unquote(arguments[0])), out var value) ? value
                    : throw new KeyNotFoundException($"parameter {arguments[0]} not found");
            default:
                throw new NotSupportedException($"Unknown template action {{{{ {body} }}}}.");
        }
    }

    private static string Unquote(string argument) =>
        argument.Length >= 2 && argument[0] == '"' && argument[^1] == '"' ? argument[1..^1] : argument;

    [GeneratedRegex(@"\{\{(?<body>.*?)\}\}")]
    private static partial Regex Action();

    [GeneratedRegex(@"^(?<fn>[A-Za-z]+)(\s+(?<args>""[^""]*""|[0-9]+))+$")]
    private static partial Regex Call();

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelCaseBoundary();
}
