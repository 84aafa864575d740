namespace KlineAspire.Tests.Infrastructure;

/// <summary>Checks on work that waits for a fake clock.</summary>
public static class FakeClockAssert
{
    /// <summary>
    /// The task is still waiting, given a moment of real time first: a grant that the last <c>Advance</c> released too
    /// early may complete on another thread, after an immediate look would have passed.
    /// </summary>
    public static async Task StillWaitingAsync(Task task, string because)
    {
        await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken));
        Assert.False(task.IsCompleted, because);
    }
}
