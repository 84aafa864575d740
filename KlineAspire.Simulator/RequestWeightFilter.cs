using System.Globalization;

namespace KlineAspire.Simulator;

/// <summary>
/// Every REST request: the REST-down fault first, then the request's weight charged, <c>X-MBX-USED-WEIGHT-1M</c> on
/// the response, and 429/418 with <c>Retry-After</c> and error -1003 when over the limit or banned.
/// </summary>
internal sealed class RequestWeightFilter(SimulatorFaults faults, RequestWeightLimiter limiter, SimulatorOptions options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (faults.RestFailsWith is int failure)
        {
            return Results.StatusCode(failure);
        }

        var http = context.HttpContext;
        var weight = http.GetEndpoint()?.Metadata.GetMetadata<RequestWeight>()?.Weight ?? 1;
        var decision = limiter.Charge(weight);
        http.Response.Headers["X-MBX-USED-WEIGHT-1M"] = decision.UsedWeight.ToString(CultureInfo.InvariantCulture);
        if (decision.StatusCode == StatusCodes.Status200OK)
        {
            return await next(context);
        }

        http.Response.Headers.RetryAfter = Math.Ceiling(decision.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return decision.StatusCode == StatusCodes.Status418ImATeapot
            ? BinanceRestErrors.Error(decision.StatusCode, -1003,
                $"Way too much request weight used; IP banned until {decision.BannedUntil.ToUnixTimeMilliseconds()}. "
                + "Please use WebSocket Streams for live updates to avoid bans.")
            : BinanceRestErrors.Error(decision.StatusCode, -1003,
                $"Too much request weight used; current limit is {options.RequestWeightPerMinute} request weight per 1 MINUTE. "
                + "Please use WebSocket Streams for live updates to avoid polling the API.");
    }
}
