namespace KlineAspire.Simulator;

/// <summary>What the request-weight limit says about one REST request.</summary>
/// <param name="StatusCode">200 to serve it, 429 when over the limit, 418 while the IP is banned.</param>
/// <param name="UsedWeight">The weight used in the current minute, for <c>X-MBX-USED-WEIGHT-1M</c>.</param>
/// <param name="RetryAfter">For 429 and 418: when to come back.</param>
internal readonly record struct RequestWeightDecision(int StatusCode, int UsedWeight, TimeSpan RetryAfter, DateTimeOffset BannedUntil);

/// <summary>
/// Binance's REST request weight per IP per minute. Binance counts in fixed UTC minutes; over the limit it answers 429
/// with <c>Retry-After</c>, and a client that keeps going while limited gets its IP banned (418). The simulator runs on
/// loopback, so every client counts as one IP.
/// </summary>
internal sealed class RequestWeightLimiter(SimulatorOptions options, TimeProvider time, RestRequestCounts counts)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private long _minute = long.MinValue;
    private int _used;
    private int _refusedInARow;
    private DateTimeOffset _bannedUntil = DateTimeOffset.MinValue;

    public RequestWeightDecision Charge(int weight)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var minute = now.ToUnixTimeMilliseconds() / (long)Minute.TotalMilliseconds;
            if (minute != _minute)
            {
                _minute = minute;
                _used = 0;
                _refusedInARow = 0;
            }

            if (now < _bannedUntil)
            {
                counts.Refused(StatusCodes.Status418ImATeapot);
                return new RequestWeightDecision(StatusCodes.Status418ImATeapot, _used, _bannedUntil - now, _bannedUntil);
            }

            if (_used + weight > options.RequestWeightPerMinute)
            {
                if (++_refusedInARow > options.RefusedRequestsBeforeBan)
                {
                    _bannedUntil = now + options.IpBanDuration;
                    _refusedInARow = 0;
                    counts.Refused(StatusCodes.Status418ImATeapot);
                    return new RequestWeightDecision(StatusCodes.Status418ImATeapot, _used, options.IpBanDuration, _bannedUntil);
                }

                counts.Refused(StatusCodes.Status429TooManyRequests);
                var nextMinute = DateTimeOffset.FromUnixTimeMilliseconds((minute + 1) * (long)Minute.TotalMilliseconds);
                return new RequestWeightDecision(StatusCodes.Status429TooManyRequests, _used, nextMinute - now, _bannedUntil);
            }

            _used += weight;
            _refusedInARow = 0;
            counts.Served(_used);
            return new RequestWeightDecision(StatusCodes.Status200OK, _used, TimeSpan.Zero, _bannedUntil);
        }
    }
}
