using System.Globalization;
using System.Text.RegularExpressions;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// A duration as Prometheus writes it (<c>15d</c>, <c>1d12h</c>, <c>90m</c>): units y, w, d, h, m, s, ms, largest
/// first, each at most once. Prometheus' year is 365 days.
/// </summary>
public static partial class PrometheusDuration
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text) || Pattern().Match(text) is not { Success: true } match)
        {
            return false;
        }

        (string Group, TimeSpan Unit)[] units =
        [
            ("y", TimeSpan.FromDays(365)), ("w", TimeSpan.FromDays(7)), ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)),
            ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)), ("ms", TimeSpan.FromMilliseconds(1)),
        ];
        foreach (var (group, unit) in units)
        {
            if (match.Groups[group].Success)
            {
                duration += unit * long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            }
        }

        return true;
    }

    [GeneratedRegex("^(?:(?<y>[0-9]{1,4})y)?(?:(?<w>[0-9]{1,5})w)?(?:(?<d>[0-9]{1,6})d)?(?:(?<h>[0-9]{1,7})h)?(?:(?<m>[0-9]{1,9})m)?(?:(?<s>[0-9]{1,10})s)?(?:(?<ms>[0-9]{1,12})ms)?$")]
    private static partial Regex Pattern();
}
