using System.Net;
using KlineAspire.Simulator;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KlineAspire.Tests.Integration.Simulator;

/// <summary>
/// Binance's REST request weight: every response reports the minute's used weight; over the limit 429 with
/// <c>Retry-After</c> and error -1003; pressing on while limited gets the IP banned (418). The clock is faked, so
/// the minute boundaries are the test's.
/// </summary>
public class RequestWeightTests
{
    // Ten seconds into a minute: 50 s are left until the weight resets.
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 15, 10, TimeSpan.Zero);

    [Fact]
    public async Task Weight_accumulates_per_minute_and_over_the_limit_is_429_with_retry_after_until_the_minute_turns()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await SimulatorHost.StartAsync(o => o.RequestWeightPerMinute = 100, time);
        using var http = SimulatorHttp.Client(simulator);

        for (var i = 1; i <= 4; i++)
        {
            var ok = await http.GetRestAsync("/api/v3/exchangeInfo");
            Assert.Equal((HttpStatusCode.OK, (i * 20).ToString(System.Globalization.CultureInfo.InvariantCulture)), (ok.Status, ok.UsedWeight));
        }

        var klines = await http.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m");
        Assert.Equal((HttpStatusCode.OK, "82"), (klines.Status, klines.UsedWeight));

        var limited = await http.GetRestAsync("/api/v3/exchangeInfo");
        Assert.Equal((HttpStatusCode.TooManyRequests, "82", "50"), (limited.Status, limited.UsedWeight, limited.RetryAfter));
        var error = limited.Error;
        Assert.Equal(-1003, error.Code);
        Assert.Contains("100 request weight per 1 MINUTE", error.Message);
        // What still fits is served.
        Assert.Equal(HttpStatusCode.OK, (await http.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m")).Status);

        time.Advance(TimeSpan.FromSeconds(50));
        var nextMinute = await http.GetRestAsync("/api/v3/exchangeInfo");
        Assert.Equal((HttpStatusCode.OK, "20"), (nextMinute.Status, nextMinute.UsedWeight));
    }

    [Fact]
    public async Task Requesting_on_while_limited_bans_the_ip_with_418_for_the_ban_duration()
    {
        var time = new FakeTimeProvider(Start);
        await using var simulator = await SimulatorHost.StartAsync(o =>
        {
            o.RequestWeightPerMinute = 20;
            o.RefusedRequestsBeforeBan = 2;
            o.IpBanDuration = TimeSpan.FromMinutes(3);
        }, time);
        using var http = SimulatorHttp.Client(simulator);

        Assert.Equal(HttpStatusCode.OK, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);

        var banned = await http.GetRestAsync("/api/v3/exchangeInfo");
        Assert.Equal((HttpStatusCode)418, banned.Status);
        Assert.Equal("180", banned.RetryAfter);
        var error = banned.Error;
        Assert.Equal(-1003, error.Code);
        Assert.Contains($"IP banned until {(Start + TimeSpan.FromMinutes(3)).ToUnixTimeMilliseconds()}", error.Message);

        // A new minute does not lift a ban.
        time.Advance(TimeSpan.FromMinutes(1));
        var stillBanned = await http.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m");
        Assert.Equal(((HttpStatusCode)418, "120"), (stillBanned.Status, stillBanned.RetryAfter));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);
    }

    [Fact]
    public async Task Errors_carry_the_used_weight_too()
    {
        await using var simulator = await SimulatorHost.StartAsync(time: new FakeTimeProvider(Start));
        using var http = SimulatorHttp.Client(simulator);

        var invalid = await http.GetRestAsync("/api/v3/klines?symbol=btc&interval=1m");

        Assert.Equal((HttpStatusCode.BadRequest, "2"), (invalid.Status, invalid.UsedWeight));
    }

    [Fact]
    public async Task The_rest_fails_with_fault_takes_rest_down_until_cleared_and_leaves_websockets_alone()
    {
        await using var simulator = await SimulatorHost.StartAsync();
        using var http = SimulatorHttp.Client(simulator);

        using (var set = await http.PostJsonAsync("/api/faults", new { restFailsWith = 503 }))
        {
            set.EnsureSuccessStatusCode();
        }

        Assert.Equal(503, simulator.Faults.RestFailsWith);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetRestAsync("/api/v3/klines?symbol=BTCUSDT&interval=1m")).Status);
        await using (var client = await RawWebSocketClient.ConnectAsync(simulator.WebSocketBaseUri, "/ws"))
        {
            Assert.Equal("""{"result":null,"id":1}""", await client.RequestAsync("""{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":1}"""));
        }

        using (var clear = await http.PostJsonAsync("/api/faults", new { }))
        {
            clear.EnsureSuccessStatusCode();
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetRestAsync("/api/v3/exchangeInfo")).Status);
    }
}
