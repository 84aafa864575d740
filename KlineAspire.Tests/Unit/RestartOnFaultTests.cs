using KlineAspire.Ingestor.Pacing;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Unit;

public class RestartOnFaultTests
{
    [Fact]
    public async Task A_loop_that_throws_is_reported_and_started_again_after_a_backoff_pause_until_the_host_stops()
    {
        var time = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var runs = 0;
        var faults = new System.Collections.Concurrent.ConcurrentQueue<(Exception Error, TimeSpan Delay)>();
        var thirdRunStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task Loop(CancellationToken token)
        {
            if (++runs <= 2)
            {
                throw new InvalidOperationException($"defect {runs}");
            }

            thirdRunStarted.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        }

        var running = RestartOnFault.RunAsync(Loop, new JitteredBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), new Random(7)),
            (error, delay) => faults.Enqueue((error, delay)), time, stopping.Token);

        await Eventually.MatchAsync(() => Task.FromResult(faults.Count), count => count == 1, TimeSpan.FromSeconds(10), "the first fault is reported");
        Assert.False(thirdRunStarted.Task.IsCompleted, "the restart waits for its pause");
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.MatchAsync(() => Task.FromResult(faults.Count), count => count == 2, TimeSpan.FromSeconds(10),
            "the restarted loop fails again and is reported again");
        time.Advance(TimeSpan.FromSeconds(2));
        await thirdRunStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["defect 1", "defect 2"], faults.Select(f => f.Error.Message));
        Assert.InRange(faults.First().Delay, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1));
        Assert.InRange(faults.Last().Delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        await stopping.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(3, runs);
        Assert.Equal(2, faults.Count);
    }
}
