using KlineAspire.Ingestor.Symbols;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Ingestor;

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

        var next = budget.AcquireAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
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
        time.Advance(TimeSpan.FromSeconds(retryAfterSeconds - 1));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task When_others_on_the_address_used_half_the_weight_it_waits_for_the_next_minute()
    {
        var time = Clock();
        var budget = new RestWeightBudget(20, time);
        budget.Observe(200, 2990, null);
        Assert.Equal(2990, budget.UsedWeight);

        var next = budget.AcquireAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
