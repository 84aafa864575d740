namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// An <see cref="UnknownSymbolsException"/> found after the host had started (exchangeInfo was unreachable at first),
/// which stopped the application; <c>Program</c> reports it and exits as for a startup error.
/// </summary>
public sealed class FatalSymbolError
{
    public UnknownSymbolsException? Exception { get; set; }
}
