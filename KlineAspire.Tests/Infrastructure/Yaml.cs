using YamlDotNet.RepresentationModel;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>Reads YAML documents as node trees, with paths that fail with the path in the message.</summary>
public static class Yaml
{
    public static YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    public static string Save(YamlMappingNode root)
    {
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The node at a path of mapping keys; fails the test when a key is missing.</summary>
    public static YamlNode At(this YamlNode node, params string[] path)
    {
        var current = node;
        for (var i = 0; i < path.Length; i++)
        {
            var mapping = Assert.IsType<YamlMappingNode>(current);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(path[i]), out var next), $"no '{string.Join('.', path[..(i + 1)])}'");
            current = next;
        }

        return current;
    }

    public static string Scalar(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlScalarNode>(node.At(path)).Value ?? string.Empty;

    public static bool Has(this YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.ContainsKey(new YamlScalarNode(key));

    public static IReadOnlyList<string> Keys(this YamlNode node) =>
        Assert.IsType<YamlMappingNode>(node).Children.Keys.Select(key => ((YamlScalarNode)key).Value ?? string.Empty).ToList();

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlSequenceNode>(node.At(path)).Children.ToList();
}
