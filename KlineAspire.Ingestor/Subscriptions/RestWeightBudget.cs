using System.Globalization;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Pacing;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Keeps the ingestor's REST requests inside Binance's request weight per IP and minute, which it shares with every
/// other client on the address (backfills, dashboards, other services). Three rules:
/// <list type="bullet">
/// <item>its own requests (exchangeInfo and the klines history alike) spend at most <see cref="OwnShare"/> of the limit per
/// minute, whatever the refresh interval, the selection's size and retries;</item>
/// <item>when <c>X-MBX-USED-WEIGHT-1M</c> says the address is past <see cref="PauseAboveShare"/> of the limit, it waits for the next minute;</item>
/// <item>after a 429 it waits for <c>Retry-After</c>, and after a 418 (the address is banned) it sends nothing until the ban ends,
/// because every request during a ban lengthens it.</item>
/// </list>
/// </summary>
public sealed class RestWeightBudget
{
    /// <summary>A tenth of the limit: 600 weight, 30 exchangeInfo or 300 klines requests a minute at most.</summary>
    public const double OwnShare = 0.1;

    /// <summary>Others on the address may need the rest: past half the limit, refreshing can wait for the next minute.</summary>
    public const double PauseAboveShare = 0.5;

    /// <summary>The weight the address has used in the current minute, on every REST response.</summary>
    public const string UsedWeightHeader = "X-MBX-USED-WEIGHT-1M";

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly SlidingWindowLimiter _own;
    private readonly TimeProvider _time;
    private readonly int _weight;
    private long _notBeforeUnixMs;
    private int _usedWeight;

    /// <param name="requestWeight">The weight of a request that names none (exchangeInfo's).</param>
    public RestWeightBudget(int requestWeight, TimeProvider time)
    {
        _weight = requestWeight;
        _time = time;
        _own = new SlidingWindowLimiter(Math.Max(requestWeight, (int)(BinanceLimits.RequestWeightPerMinute * OwnShare)), Minute, time);
    }

    /// <summary>The weight the address had used in the current minute, as the last response reported it.</summary>
    public int UsedWeight => Volatile.Read(ref _usedWeight);

    /// <summary>Until when the exchange asked us to stay away (429/418), or the minute to wait for; null when free.</summary>
    public DateTimeOffset? BlockedUntil =>
        Volatile.Read(ref _notBeforeUnixMs) is var at && at > _time.GetUtcNow().ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null;

    /// <summary>Waits until a request of the default weight may go out.</summary>
    public Task AcquireAsync(CancellationToken cancellationToken) => AcquireAsync(_weight, cancellationToken);

    /// <summary>Waits until a request of <paramref name="weight"/> may go out.</summary>
    public async Task AcquireAsync(int weight, CancellationToken cancellationToken)
    {
        if (BlockedUntil is { } until && until - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        await _own.AcquireAsync(weight, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads what a response says about the address's weight.</summary>
    public void Observe(int statusCode, int? usedWeight, TimeSpan? retryAfter) => Observe(statusCode, usedWeight, retryAfter, _weight);

    /// <summary>
    /// Reads what a response's status and headers (<c>X-MBX-USED-WEIGHT-1M</c>, <c>Retry-After</c>) say about the
    /// address's weight; <paramref name="nextWeight"/> is what the next request would add (the default one's if null).
    /// </summary>
    public void Observe(HttpResponseMessage response, int? nextWeight = null)
    {
        var usedWeight = response.Headers.TryGetValues(UsedWeightHeader, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var used) ? used : (int?)null;
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        Observe((int)response.StatusCode, usedWeight, retryAfter, nextWeight ?? _weight);
    }

    /// <summary>Reads what a response says about the address's weight; <paramref name="nextWeight"/> is what the next request would add.</summary>
    public void Observe(int statusCode, int? usedWeight, TimeSpan? retryAfter, int nextWeight)
    {
        var now = _time.GetUtcNow();
        if (usedWeight is { } used)
        {
            Volatile.Write(ref _usedWeight, used);
            if (used + nextWeight > BinanceLimits.RequestWeightPerMinute * PauseAboveShare)
            {
                // Binance counts weight per calendar minute; a little past its start, so our clock's skew does not matter.
                var nextMinute = (now.ToUnixTimeMilliseconds() / (long)Minute.TotalMilliseconds + 1) * (long)Minute.TotalMilliseconds + 1_000;
                Block(nextMinute);
            }
        }

        if (statusCode is 429 or 418)
        {
            // Without Retry-After, stay away for a minute after a 429 and for Binance's shortest ban after a 418.
            var wait = retryAfter ?? (statusCode == 418 ? TimeSpan.FromMinutes(2) : Minute);
            Block((now + wait).ToUnixTimeMilliseconds());
        }
    }

    private void Block(long untilUnixMs)
    {
        long current;
        do
        {
            current = Volatile.Read(ref _notBeforeUnixMs);
            if (current >= untilUnixMs)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _notBeforeUnixMs, untilUnixMs, current) != current);
    }
}
