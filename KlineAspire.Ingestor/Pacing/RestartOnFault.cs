namespace KlineAspire.Ingestor.Pacing;

/// <summary>
/// Runs a loop that should only end when the host stops. If a defect makes it throw, the streams it serves would
/// be dead with nobody noticing, so the failure is reported and the loop started again after a backoff pause.
/// </summary>
internal static class RestartOnFault
{
    public static async Task RunAsync(Func<CancellationToken, Task> loop, JitteredBackoff backoff, Action<Exception, TimeSpan> reportFault,
        TimeProvider time, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await loop(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                reportFault(exception, delay);
                try
                {
                    await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
