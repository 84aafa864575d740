using KlineAspire.Ingestor.Pacing;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Unit;

public class SlidingWindowLimiterTests
{
    [Fact]
    public async Task Never_grants_more_than_the_limit_within_any_window()
    {
        var time = new FakeTimeProvider();
        var limiter = new SlidingWindowLimiter(permits: 300, window: TimeSpan.FromMinutes(5), time);
        for (var i = 0; i < 300; i++)
        {
            await limiter.AcquireAsync(CancellationToken.None);
        }

        var next = limiter.AcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await FakeClockAssert.StillWaitingAsync(next, "the 301st attempt must wait for the first to leave the window");

        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        // The first 300 were granted at the same instant, so they left the window together: only the 301st is in it,
        // so 299 more are granted at once and the one after them waits again.
        for (var i = 0; i < 299; i++)
        {
            Assert.True(limiter.AcquireAsync(CancellationToken.None).IsCompletedSuccessfully, $"grant {i + 302} is within the budget");
        }

        // The one after them waits for the 301st to leave the window: a whole window, not a moment less.
        var overBudget = limiter.AcquireAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await FakeClockAssert.StillWaitingAsync(overBudget, "the budget is spent again until the 301st leaves the window");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await overBudget.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Acquiring_as_fast_as_allowed_for_ten_minutes_grants_exactly_the_budget_in_the_worst_window()
    {
        // Simulated clock: a caller that asks again as soon as each grant is used (as connection attempts against a
        // refusing server do; ConnectionAttemptBudgetTests runs that against a real refusing server).
        var time = new FakeTimeProvider();
        var limiter = new SlidingWindowLimiter(permits: 300, window: TimeSpan.FromMinutes(5), time);
        var grants = new List<DateTimeOffset>();
        var end = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        while (time.GetUtcNow() < end)
        {
            var acquire = limiter.AcquireAsync(CancellationToken.None);
            while (!acquire.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.Yield();
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }

            await acquire;
            grants.Add(time.GetUtcNow());
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var worstWindow = grants.Max(start => grants.Count(g => g >= start && g < start + TimeSpan.FromMinutes(5)));
        Assert.Equal(300, worstWindow);
        Assert.InRange(grants.Count, 600, 601);
    }

    [Fact]
    public async Task Cancellation_releases_a_waiter()
    {
        var limiter = new SlidingWindowLimiter(1, TimeSpan.FromHours(1), new FakeTimeProvider());
        await limiter.AcquireAsync(CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
