using KlineAspire.Ingestor.Subscriptions;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Unit;

public class RestWeightBudgetTests
{
    // 2026-01-01T00:00:10Z: ten seconds into a minute.
    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 10, TimeSpan.Zero));

    [Fact]
    public async Task Own_requests_stay_within_a_tenth_of_the_weight_per_minute()
    {
        var time = Clock();
        var budget = new RestWeightBudget(20, time);
        for (var request = 0; request < 30; request++)
        {
            await budget.AcquireAsync(TestContext.Current.CancellationToken);
        }

        // The 31st waits for the first to leave the minute's window: until a millisecond before, it is not granted.
        var next = budget.AcquireAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMilliseconds(1));
        await FakeClockAssert.StillWaitingAsync(next, "the 31st request within a minute waits");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(429, 30)]
    [InlineData(418, 120)]
    public async Task After_a_refusal_nothing_is_sent_before_retry_after(int status, int retryAfterSeconds)
    {
        var time = Clock();
        var budget = new RestWeightBudget(20, time);
        budget.Observe(status, null, TimeSpan.FromSeconds(retryAfterSeconds));

        var next = budget.AcquireAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(retryAfterSeconds) - TimeSpan.FromMilliseconds(1));
        await FakeClockAssert.StillWaitingAsync(next, $"nothing is sent until Retry-After's {retryAfterSeconds} s have passed");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task When_others_on_the_address_used_half_the_weight_it_waits_for_the_next_minute()
    {
        var time = Clock();
        var budget = new RestWeightBudget(20, time);
        budget.Observe(200, 2990, null);
        Assert.Equal(2990, budget.UsedWeight);

        // The next minute starts 50 s after 00:00:10; the budget waits a second past it, for clock skew.
        var next = budget.AcquireAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(51) - TimeSpan.FromMilliseconds(1));
        await FakeClockAssert.StillWaitingAsync(next, "the request waits for a second into the next minute");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
