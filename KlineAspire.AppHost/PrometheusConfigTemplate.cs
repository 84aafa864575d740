namespace KlineAspire.AppHost;

/// <summary>
/// Renders <c>prometheus/prometheus.yml.template</c>, the same template the container image renders at start,
/// so every mode scrapes and evaluates rules the same way.
/// </summary>
internal static class PrometheusConfigTemplate
{
    public static string Render(string template, string ingestorTarget, string scrapeInterval, string rulesDirectory) =>
        template
            .Replace("__INGESTOR_TARGET__", ingestorTarget, StringComparison.Ordinal)
            .Replace("__SCRAPE_INTERVAL__", scrapeInterval, StringComparison.Ordinal)
            .Replace("__RULES_DIR__", rulesDirectory, StringComparison.Ordinal);

    /// <summary>Writes a runnable configuration directory: prometheus.yml plus a copy of the rules.</summary>
    public static string WriteDirectory(string prometheusSourceDirectory, string ingestorTarget, string scrapeInterval, string outputDirectory)
    {
        var rules = Path.Combine(outputDirectory, "rules");
        Directory.CreateDirectory(rules);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(prometheusSourceDirectory, "rules"), "*.yml"))
        {
            File.Copy(file, Path.Combine(rules, Path.GetFileName(file)), overwrite: true);
        }

        var template = File.ReadAllText(Path.Combine(prometheusSourceDirectory, "prometheus.yml.template"));
        var configFile = Path.Combine(outputDirectory, "prometheus.yml");
        File.WriteAllText(configFile, Render(template, ingestorTarget, scrapeInterval, rules));
        return configFile;
    }
}
