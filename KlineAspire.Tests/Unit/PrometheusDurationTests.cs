using KlineAspire.Ingestor.History;

namespace KlineAspire.Tests.Unit;

/// <summary>Retention as Prometheus writes it (<c>--storage.tsdb.retention.time</c>), which the history importer passes on.</summary>
public class PrometheusDurationTests
{
    [Theory]
    [InlineData("15d", 15 * 86_400_000L)]
    [InlineData("1d12h", 36 * 3_600_000L)]
    [InlineData("90m", 90 * 60_000L)]
    [InlineData("2w", 14 * 86_400_000L)]
    [InlineData("1y", 365 * 86_400_000L)]
    [InlineData("1h30m15s500ms", 5_415_500L)]
    public void Prometheus_durations_are_read_largest_unit_first(string text, long milliseconds)
    {
        Assert.True(PrometheusDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("7days")]
    [InlineData("12h1d")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData(null)]
    public void Anything_else_is_not_a_duration(string? text) => Assert.False(PrometheusDuration.TryParse(text, out _));
}
