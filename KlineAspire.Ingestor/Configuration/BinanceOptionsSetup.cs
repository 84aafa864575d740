using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Configuration;

/// <summary>
/// Binds the <c>Binance</c> section. Lists accept both a configuration array (<c>Binance:Symbols:0</c>) and a
/// comma-separated string (<c>Binance__Symbols=BTCUSDT,ETHUSDT</c>), because environment variables make the
/// second form the natural one in containers.
/// </summary>
internal sealed class BinanceOptionsSetup(IConfiguration configuration) : IConfigureOptions<BinanceOptions>
{
    public void Configure(BinanceOptions options)
    {
        var section = configuration.GetSection(BinanceOptions.SectionName);
        section.Bind(options, binder =>
        {
            binder.ErrorOnUnknownConfiguration = false;
            // The test seams are internal properties, still set from configuration.
            binder.BindNonPublicProperties = true;
        });

        if (ReadList(section.GetSection(nameof(BinanceOptions.Symbols))) is { } symbols)
        {
            options.Symbols = symbols;
        }

        if (ReadList(section.GetSection(nameof(BinanceOptions.Intervals))) is { } intervals)
        {
            options.Intervals = intervals;
        }

        if (ReadList(section.GetSection(nameof(BinanceOptions.Series))) is { } series)
        {
            options.Series = series;
        }
    }

    private static List<string>? ReadList(IConfigurationSection section)
    {
        if (section.Value is { } scalar)
        {
            return scalar.Split(',', StringSplitOptions.TrimEntries).Where(item => item.Length > 0).ToList();
        }

        var children = section.GetChildren().ToList();
        return children.Count == 0
            ? null
            : children.Select(child => (child.Value ?? string.Empty).Trim()).ToList();
    }
}
