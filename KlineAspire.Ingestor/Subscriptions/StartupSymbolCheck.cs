namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// The one check of <c>Binance:Symbols</c> against exchangeInfo before the host runs: the application runs it after
/// the settings are validated and before a port is served or a connection opened, so an unlisted literal symbol stops
/// the start like any invalid setting. It reads exchangeInfo once and selects once; the run starts from its
/// <see cref="StartupSelection"/>.
/// </summary>
public sealed class StartupSymbolCheck(ExchangeInfoClient exchangeInfo, SymbolSelector selector)
{
    /// <summary>The longest wait for exchangeInfo: the host serves nothing meanwhile (not even /health), and the refresh service retries later.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private Task<StartupSelection>? _run;

    /// <summary>
    /// The selection the run starts from, once <see cref="RunAsync"/> has succeeded. The services built from it are
    /// built after the check, when the host starts, so they all see the one result.
    /// </summary>
    public StartupSelection Result => _run is { IsCompletedSuccessfully: true } run
        ? run.Result
        : throw new InvalidOperationException("The startup symbol check has not run: it runs when the ingestor application is built, before the host starts.");

    /// <summary>
    /// Reads exchangeInfo (at most <see cref="MaxWait"/>) and selects from it; runs once, a second call returns the first
    /// outcome. A read that fails is no error: the selection is <see cref="StartupSelection.Unread"/>, and the refresh
    /// service takes over (literal symbols start unchecked, patterns wait).
    /// </summary>
    /// <exception cref="UnknownSymbolsException">exchangeInfo answered and does not list a literal symbol.</exception>
    public Task<StartupSelection> RunAsync(CancellationToken cancellationToken) => _run ??= CheckAsync(cancellationToken);

    private async Task<StartupSelection> CheckAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ListedSymbol> listed;
        try
        {
            listed = await exchangeInfo.GetSymbolsAsync(exchangeInfo.RequestTimeout < MaxWait ? exchangeInfo.RequestTimeout : MaxWait, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ExchangeInfoUnavailableException exception)
        {
            return StartupSelection.Unread(exception);
        }

        var selection = selector.Select(listed);
        return selection.UnknownLiterals.Count == 0
            ? StartupSelection.Read(listed, selection)
            : throw new UnknownSymbolsException(UnknownSymbols.Failures(selection.UnknownLiterals, exchangeInfo.Address));
    }
}
