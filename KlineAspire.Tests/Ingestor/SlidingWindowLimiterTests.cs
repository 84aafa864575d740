using KlineAspire.Ingestor.Connections;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Ingestor;

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
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(next.IsCompleted, "the 301st attempt must wait for the first to leave the window");

        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        // The first 300 were granted at the same instant, so they leave the window together: only the 301st is in it.
        Assert.Equal(1, limiter.InWindow);
    }

    [Fact]
    public async Task A_server_refusing_everything_for_ten_minutes_sees_at_most_the_budget()
    {
        // Simulated clock: each attempt fails at once and retries as soon as the budget allows.
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
