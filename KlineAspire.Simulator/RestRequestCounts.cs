namespace KlineAspire.Simulator;

/// <summary>What REST clients did to the request-weight limit: the most weight served in one UTC minute, and the requests refused.</summary>
public sealed class RestRequestCounts
{
    private int _maxWeightPerMinute;
    private int _tooManyRequests;
    private int _banned;

    /// <summary>The highest weight served within one UTC minute, as Binance counts it.</summary>
    public int MaxWeightPerMinute => Volatile.Read(ref _maxWeightPerMinute);

    /// <summary>Requests answered 429 (over the limit).</summary>
    public int TooManyRequests => Volatile.Read(ref _tooManyRequests);

    /// <summary>Requests answered 418 (the IP banned).</summary>
    public int Banned => Volatile.Read(ref _banned);

    internal void Served(int usedInMinute) => MaxCounter.RaiseToAtLeast(ref _maxWeightPerMinute, usedInMinute);

    internal void Refused(int statusCode) => Interlocked.Increment(ref statusCode == StatusCodes.Status418ImATeapot ? ref _banned : ref _tooManyRequests);
}
