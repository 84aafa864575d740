namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// What the configured symbols select from exchangeInfo as read once at startup (<see cref="StartupSymbolCheck"/>).
/// It is fixed for the run: the run's <see cref="StreamCapacity"/>, and the refresh service's first change of the
/// <see cref="StreamCatalog"/>, both start from this one selection.
/// </summary>
public sealed record StartupSelection
{
    private StartupSelection(IReadOnlyList<ListedSymbol>? listed, SymbolSelection? selection, string? unavailable, ExchangeInfoFailure? failure)
    {
        Listed = listed;
        Selection = selection;
        Unavailable = unavailable;
        Failure = failure;
    }

    /// <summary>exchangeInfo answered: what it lists, and what the configured symbols select from it.</summary>
    public static StartupSelection Read(IReadOnlyList<ListedSymbol> listed, SymbolSelection selection) => new(listed, selection, null, null);

    /// <summary>exchangeInfo could not be read: literal symbols start unchecked, patterns wait for it.</summary>
    public static StartupSelection Unread(ExchangeInfoUnavailableException why) => new(null, null, why.Message, why.Failure);

    /// <summary>The listed symbols, or null when exchangeInfo could not be read.</summary>
    public IReadOnlyList<ListedSymbol>? Listed { get; }

    /// <summary>What the configured symbols select from <see cref="Listed"/>, or null when exchangeInfo could not be read.</summary>
    public SymbolSelection? Selection { get; }

    /// <summary>Why exchangeInfo could not be read, when it could not.</summary>
    public string? Unavailable { get; }

    /// <summary>The kind of failure when exchangeInfo could not be read, for the metric.</summary>
    public ExchangeInfoFailure? Failure { get; }
}
