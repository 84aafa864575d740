using KlineAspire.Simulator;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// Moving a fake clock that the ingestor and the simulator share: in steps, each followed by a real pause so both can act
/// on it before the clock moves again, so no deadline of theirs passes during a real message exchange.
/// </summary>
public static class SharedClockSteps
{
    /// <summary>Moves the clock to <paramref name="target"/> in steps of at most <paramref name="step"/>.</summary>
    public static async Task AdvanceToAsync(FakeTimeProvider time, DateTimeOffset target, TimeSpan step, TimeSpan settle, CancellationToken cancellation)
    {
        while (time.GetUtcNow() < target)
        {
            await StepTowardAsync(time, target, step, settle, cancellation);
        }
    }

    /// <summary>Moves the clock one <paramref name="step"/> (less if <paramref name="target"/> is nearer), then lets the others act on it.</summary>
    public static async Task StepTowardAsync(FakeTimeProvider time, DateTimeOffset target, TimeSpan step, TimeSpan settle, CancellationToken cancellation)
    {
        var left = target - time.GetUtcNow();
        time.Advance(left < step ? left : step);
        await Task.Delay(settle, cancellation);
    }

    /// <summary>The candle stamped with the shared clock's now: the ingestor rejects event times far from receipt.</summary>
    public static KlineCandle Stamped(KlineCandle candle, FakeTimeProvider time) => candle with { EventTime = time.GetUtcNow().ToUnixTimeMilliseconds() };
}
