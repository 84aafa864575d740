using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Pacing;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Selects symbols from exchangeInfo and keeps the selection current.
/// <list type="bullet">
/// <item>At startup exchangeInfo is read once, before the host runs (<see cref="StartupSymbolCheck"/>); this service
/// applies that <see cref="StartupSelection"/> before any connection opens. If REST could not be reached, literal
/// symbols start anyway (they need no listing), with a warning.</item>
/// <item>With patterns, it reads exchangeInfo again every <c>SymbolRefreshInterval</c> and hands the selection to the
/// <see cref="StreamCatalog"/>. Failures retry with backoff and jitter inside the <see cref="RestWeightBudget"/>;
/// meanwhile the last known set stays in force. Until the first success, readiness says what it is waiting for.</item>
/// <item>With literals only, there is nothing to follow: no refresh, as before patterns existed. If exchangeInfo could
/// not be read at startup, it is read (with the same backoff) until it answers once, and an unlisted literal then stops
/// the ingestor with the startup error (<see cref="LateRejection"/>).</item>
/// </list>
/// Failed reads are retried with <c>RestRetryBaseDelay</c> to <c>RestRetryMaxDelay</c>, not the WebSocket reconnect delays.
/// </summary>
internal sealed class SymbolRefreshService(
    SymbolSelector selector,
    StartupSelection startup,
    ExchangeInfoClient exchangeInfo,
    StreamCatalog catalog,
    StreamCapacity capacity,
    SymbolRefreshState state,
    SymbolRefreshMetrics metrics,
    IHostApplicationLifetime lifetime,
    IOptions<BinanceOptions> options,
    ILogger<SymbolRefreshService> logger,
    TimeProvider time) : BackgroundService
{
    private readonly TaskCompletionSource<UnknownSymbolsException> _lateRejection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _resolved;

    /// <summary>
    /// Completes only if exchangeInfo, answering for the first time after the start, does not list a literal symbol:
    /// with the same error the startup check would have thrown. The service has then stopped the application.
    /// </summary>
    /// <remarks>
    /// A task rather than a settable error that <c>Program</c> reads after the run: it is completed once, by the one
    /// service that finds the error, before the application stops, so the application can rethrow it from the call
    /// that ran the host, and <c>Program</c> reports it exactly like the same error found before the start.
    /// </remarks>
    public Task<UnknownSymbolsException> LateRejection => _lateRejection.Task;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (selector.HasPatterns)
        {
            SymbolLog.Capacity(logger, capacity.Streams, capacity.Basis);
        }

        if (startup is { Listed: { } listed, Selection: { } selection })
        {
            await ApplyAsync(listed, selection, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var reason = startup.Unavailable ?? "not read";
            if (startup.Failure is { } failure)
            {
                metrics.Failed(failure);
            }

            if (selector.HasPatterns)
            {
                state.Waiting($"waiting for exchangeInfo from {exchangeInfo.Address}: {reason}");
                SymbolLog.WaitingForExchangeInfo(logger, exchangeInfo.Address, reason, selector.Literals.Count);
            }
            else
            {
                SymbolLog.LiteralsUnchecked(logger, exchangeInfo.Address, reason, selector.Literals.Count);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Literals checked at startup have nothing to follow. Unchecked ones (REST was down) are checked once it answers:
        // an unlisted literal is the same configuration error then as at startup.
        if (!selector.HasPatterns && _resolved)
        {
            return;
        }

        var settings = options.Value;
        var backoff = new JitteredBackoff(settings.RestRetryBaseDelay, settings.RestRetryMaxDelay, Random.Shared);
        var delay = _resolved ? settings.SymbolRefreshInterval : backoff.Next();
        try
        {
            while (true)
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    var listed = await exchangeInfo.GetSymbolsAsync(stoppingToken).ConfigureAwait(false);
                    var selection = selector.Select(listed);
                    if (!_resolved && selection.UnknownLiterals.Count > 0)
                    {
                        StopOnUnknownLiterals(selection.UnknownLiterals);
                        return;
                    }

                    await ApplyAsync(listed, selection, stoppingToken).ConfigureAwait(false);
                    if (!selector.HasPatterns)
                    {
                        return;
                    }

                    backoff.Reset();
                    delay = settings.SymbolRefreshInterval;
                }
                catch (ExchangeInfoUnavailableException exception)
                {
                    metrics.Failed(exception.Failure);
                    // Never longer than the regular interval: a failure must not make the next look later than a success would.
                    delay = Min(backoff.Next(), settings.SymbolRefreshInterval);
                    if (_resolved)
                    {
                        SymbolLog.KeepingLastKnownSet(logger, exchangeInfo.Address, exception.Message, catalog.Assignments.Sum(a => a.Count), delay);
                    }
                    else if (selector.HasPatterns)
                    {
                        state.Waiting($"waiting for exchangeInfo from {exchangeInfo.Address}: {exception.Message}");
                        SymbolLog.StillWaiting(logger, exchangeInfo.Address, exception.Message, delay);
                    }
                    else
                    {
                        // Unchecked literals stream meanwhile, as the startup warning said: progress, not a new problem.
                        SymbolLog.LiteralsStillUnchecked(logger, exchangeInfo.Address, exception.Message, selector.Literals.Count, delay);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ApplyAsync(IReadOnlyList<ListedSymbol> listed, SymbolSelection selection, CancellationToken cancellationToken)
    {
        foreach (var pattern in selection.EmptyPatterns)
        {
            SymbolLog.PatternMatchesNothing(logger, pattern.Index, pattern.Text);
        }

        foreach (var literal in selection.NotTradingLiterals)
        {
            SymbolLog.LiteralNotTrading(logger, literal.Index, literal.Text, listed.First(s => s.Symbol == literal.Text).Status);
        }

        foreach (var literal in selection.UnknownLiterals)
        {
            // Only after a successful start: the literal was listed then and has been delisted since. It stays, as configured.
            SymbolLog.LiteralDelisted(logger, literal.Index, literal.Text);
        }

        if (selector.HasPatterns)
        {
            var change = await catalog.ApplyAsync(selection.Symbols, cancellationToken).ConfigureAwait(false);
            if (!change.IsEmpty || !_resolved)
            {
                SymbolLog.SelectionApplied(logger, selection.Symbols.Count, change.Added, change.Removed, change.ConnectionsOpened, change.ConnectionsClosed,
                    change.Streams);
            }

            if (change.Deferred > 0)
            {
                SymbolLog.StreamsDeferred(logger, change.Deferred, capacity.Streams, capacity.Basis);
            }
        }

        _resolved = true;
        state.Succeeded(time.GetUtcNow());
        metrics.Succeeded();
    }

    /// <summary>exchangeInfo answered only after the start: the same error as at startup, reported when the host has stopped.</summary>
    private void StopOnUnknownLiterals(IReadOnlyList<SymbolPattern> unknownLiterals)
    {
        var exception = new UnknownSymbolsException(UnknownSymbols.Failures(unknownLiterals, exchangeInfo.Address));
        SymbolLog.UnknownLiteralsStopping(logger, exception.Message);
        // Before the stop, so that whoever awaits the host finds it completed when the host has stopped.
        _lateRejection.TrySetResult(exception);
        lifetime.StopApplication();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
