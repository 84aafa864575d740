namespace KlineAspire.Tests.Infrastructure;

/// <summary>Polls an asynchronous condition until it holds, failing with the last observation when time runs out.</summary>
public static class Eventually
{
    public static async Task<T> MatchAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await observe();
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                lastError = exception;
                last = default!;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {because}. Last observation: {Describe(last)}", lastError);
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "(none)",
        MetricsText metrics => Environment.NewLine + string.Join(
            Environment.NewLine,
            metrics.Samples.Where(s => s.Name.StartsWith("kline", StringComparison.Ordinal)).Take(80)
                .Select(s => $"{s.Name}{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}")),
        string text => text,
        System.Collections.IEnumerable items => Environment.NewLine
            + string.Join(Environment.NewLine, items.Cast<object?>().Take(80).Select(item => item?.ToString())),
        _ => value.ToString() ?? "(null)",
    };
}
