using KlineAspire.Ingestor.Pacing;

namespace KlineAspire.Tests.Unit;

public class JitteredBackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_ceiling_with_jitter_in_the_upper_half()
    {
        var backoff = new JitteredBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(7));
        double[] ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60];
        var delays = ceilings.Select(_ => backoff.Next().TotalSeconds).ToList();
        for (var i = 0; i < ceilings.Length; i++)
        {
            Assert.InRange(delays[i], ceilings[i] / 2, ceilings[i]);
        }

        Assert.True(delays.Skip(6).Distinct().Count() > 1, "jitter spreads delays at the ceiling");
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void Many_connections_dropped_together_do_not_reconnect_in_lockstep()
    {
        var delays = Enumerable.Range(0, 50)
            .Select(seed => new JitteredBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), new Random(seed)))
            .Select(backoff => Math.Round(backoff.Next().TotalMilliseconds))
            .ToList();
        Assert.True(delays.Distinct().Count() > 40);
    }
}
