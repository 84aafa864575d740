using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Symbols;

/// <summary>
/// Reads the exchange's symbol list (<c>GET /api/v3/exchangeInfo</c>, weight 20) through the named client
/// <see cref="HttpClientName"/>, which has no retry handler: retries are the caller's, paced by <see cref="RestWeightBudget"/>,
/// so that no layer below can spend weight behind the budget's back. One call is one request.
/// </summary>
public sealed class ExchangeInfoClient(IHttpClientFactory httpClients, RestWeightBudget budget, IOptions<BinanceOptions> options)
{
    public const string HttpClientName = "binance-rest";

    public Uri Address { get; } = RestEndpointUri.ExchangeInfo(options.Value.RestEndpoint);

    /// <summary>Every listed symbol with its status; throws <see cref="ExchangeInfoUnavailableException"/> with the reason when it cannot.</summary>
    public async Task<IReadOnlyList<ListedSymbol>> GetSymbolsAsync(CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await http.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            budget.Observe((int)response.StatusCode, UsedWeight(response), RetryAfter(response));
            if (!response.IsSuccessStatusCode)
            {
                var meaning = (int)response.StatusCode switch
                {
                    429 => "over the request-weight limit, waiting for Retry-After",
                    418 => "this IP address is banned for exceeding the request-weight limit; nothing is sent until the ban ends",
                    _ => response.ReasonPhrase ?? "error",
                };
                throw new ExchangeInfoUnavailableException($"HTTP {(int)response.StatusCode} ({meaning})");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var info = await JsonSerializer.DeserializeAsync(body, ExchangeInfoJsonContext.Default.ExchangeInfoResponse, cancellationToken).ConfigureAwait(false);
            if (info?.Symbols is not { } symbols)
            {
                throw new ExchangeInfoUnavailableException("the answer has no 'symbols' list");
            }

            return symbols.Where(s => !string.IsNullOrEmpty(s.Symbol)).Select(s => new ListedSymbol(s.Symbol!, s.Status ?? string.Empty)).ToList();
        }
        catch (HttpRequestException exception)
        {
            throw new ExchangeInfoUnavailableException(exception.Message, exception);
        }
        catch (JsonException exception)
        {
            throw new ExchangeInfoUnavailableException($"unreadable answer: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ExchangeInfoUnavailableException($"no answer within {http.Timeout}", exception);
        }
    }

    private static int? UsedWeight(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-MBX-USED-WEIGHT-1M", out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var used) ? used : null;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
}

/// <summary>exchangeInfo could not be read; the message says why, for logs and readiness.</summary>
public sealed class ExchangeInfoUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

internal sealed record ExchangeInfoResponse([property: JsonPropertyName("symbols")] List<ExchangeInfoSymbol>? Symbols);

internal sealed record ExchangeInfoSymbol(
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("status")] string? Status);

[JsonSerializable(typeof(ExchangeInfoResponse))]
internal sealed partial class ExchangeInfoJsonContext : JsonSerializerContext;
