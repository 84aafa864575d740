namespace KlineAspire.Simulator;

/// <summary>
/// Pausing the random-walk feed: one tick runs at a time, so a pause can wait for the tick in flight and the last
/// published candles are final once it returns.
/// </summary>
internal sealed class FeedGate
{
    private readonly SemaphoreSlim _tick = new(1, 1);

    /// <summary>While paused, the feed sends nothing; the last values stay as they were.</summary>
    public bool Paused { get; set; }

    public async Task PauseAsync()
    {
        Paused = true;
        await _tick.WaitAsync();
        _tick.Release();
    }

    public async Task RunTickAsync(Func<Task> tick)
    {
        await _tick.WaitAsync();
        try
        {
            if (!Paused)
            {
                await tick();
            }
        }
        finally
        {
            _tick.Release();
        }
    }
}
