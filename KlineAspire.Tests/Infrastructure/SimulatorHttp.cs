using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlineAspire.Simulator;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>HTTP access to a simulator: its control API and its Binance REST endpoints.</summary>
public static class SimulatorHttp
{
    public static HttpClient Client(BinanceSimulator simulator) => new() { BaseAddress = simulator.HttpBaseUri, Timeout = RawWebSocketClient.Timeout };

    public static async Task<T> GetJsonAsync<T>(this HttpClient http, string path) =>
        (await http.GetFromJsonAsync<T>(path, JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient http, string path, T body) =>
        http.PostAsJsonAsync(path, body, JsonSerializerOptions.Web, TestContext.Current.CancellationToken);

    /// <summary>A Binance REST call: status, the weight and retry headers, and the body.</summary>
    public static async Task<RestReply> GetRestAsync(this HttpClient http, string pathAndQuery)
    {
        using var response = await http.GetAsync(pathAndQuery, TestContext.Current.CancellationToken);
        return new RestReply(
            response.StatusCode,
            response.Headers.TryGetValues("X-MBX-USED-WEIGHT-1M", out var used) ? used.Single() : null,
            response.Headers.TryGetValues("Retry-After", out var retry) ? retry.Single() : null,
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}

public sealed record RestReply(HttpStatusCode Status, string? UsedWeight, string? RetryAfter, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The body as Binance's error, <c>{"code":-1121,"msg":"Invalid symbol."}</c>: exactly those two fields.</summary>
    public (int Code, string Message) Error
    {
        get
        {
            Assert.Equal(["code", "msg"], Json.EnumerateObject().Select(p => p.Name));
            return (Json.GetProperty("code").GetInt32(), Json.GetProperty("msg").GetString()!);
        }
    }
}
