namespace KlineAspire.Ingestor.Pacing;

/// <summary>
/// Exponential backoff with "equal jitter": the delay doubles with each consecutive failure up to a ceiling, and
/// half of it is random so that many clients failing together (connections dropped at once, REST retries after an
/// outage) do not come back in lockstep.
/// </summary>
public sealed class JitteredBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Random random)
{
    private int _failures;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 30);
        var ceiling = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        _failures++;
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }

    public void Reset() => _failures = 0;
}
