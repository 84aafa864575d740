using System.Text.Json;
using System.Text.Json.Serialization;
using KlineAspire.Ingestor.Configuration;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.Subscriptions;

/// <summary>
/// Reads the exchange's symbol list (<c>GET /api/v3/exchangeInfo</c>, weight 20) through the named client
/// <see cref="HttpClientName"/>, which has no retry handler: retries are the caller's, paced by <see cref="RestWeightBudget"/>,
/// so that no layer below can spend weight behind the budget's back. One call is one request.
/// </summary>
public sealed class ExchangeInfoClient(IHttpClientFactory httpClients, RestWeightBudget budget, IOptions<BinanceOptions> options)
{
    public const string HttpClientName = "binance-rest";

    public Uri Address { get; } = RestEndpointUri.ExchangeInfo(options.Value.RestEndpoint);

    /// <summary>The deadline of one request, from sending it to the answer parsed (<c>Binance:RestTimeout</c>).</summary>
    public TimeSpan RequestTimeout { get; } = options.Value.RestTimeout;

    /// <summary>
    /// Every listed symbol with its status, within <see cref="RequestTimeout"/>; see
    /// <see cref="GetSymbolsAsync(TimeSpan, CancellationToken)"/>.
    /// </summary>
    public Task<IReadOnlyList<ListedSymbol>> GetSymbolsAsync(CancellationToken cancellationToken) => GetSymbolsAsync(RequestTimeout, cancellationToken);

    /// <summary>
    /// Every listed symbol with its status. Any failure to get them, whatever the layer (status, connection, a body cut
    /// or stalled, an answer that is not exchangeInfo), throws <see cref="ExchangeInfoUnavailableException"/> with the
    /// reason; only the caller's own cancellation passes through as <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="deadline">For the whole request, body included; the wait for the weight budget comes before it.</param>
    public async Task<IReadOnlyList<ListedSymbol>> GetSymbolsAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var http = httpClients.CreateClient(HttpClientName);
        // With ResponseHeadersRead, HttpClient.Timeout ends at the headers; the answer is megabytes, so its deadline must
        // run until the last byte is parsed, or a body that stalls would hold the refresh forever.
        using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        request.CancelAfter(deadline);
        try
        {
            using var response = await http.GetAsync(Address, HttpCompletionOption.ResponseHeadersRead, request.Token).ConfigureAwait(false);
            budget.Observe(response);
            if (!response.IsSuccessStatusCode)
            {
                var meaning = (int)response.StatusCode switch
                {
                    429 => "over the request-weight limit, waiting for Retry-After",
                    418 => "this IP address is banned for exceeding the request-weight limit; nothing is sent until the ban ends",
                    _ => response.ReasonPhrase ?? "error",
                };
                throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.HttpStatus, $"HTTP {(int)response.StatusCode} ({meaning})");
            }

            await using var body = await response.Content.ReadAsStreamAsync(request.Token).ConfigureAwait(false);
            var info = await JsonSerializer.DeserializeAsync(body, ExchangeInfoJsonContext.Default.ExchangeInfoResponse, request.Token).ConfigureAwait(false);
            if (info?.Symbols is not { } symbols)
            {
                throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.Unreadable, "the answer has no 'symbols' list");
            }

            return symbols
                .OfType<ExchangeInfoSymbol>()
                .Where(s => !string.IsNullOrEmpty(s.Symbol))
                .Select(s => new ListedSymbol(s.Symbol!, s.Status ?? string.Empty))
                .ToList();
        }
        catch (HttpRequestException exception)
        {
            throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.Transport, exception.Message, exception);
        }
        catch (IOException exception)
        {
            // Past the headers the connection fails as an IOException (HttpIOException among them), not an HttpRequestException.
            throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.Transport, $"the connection failed while the answer was read: {exception.Message}",
                exception);
        }
        catch (JsonException exception)
        {
            throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.Unreadable, $"unreadable answer: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ExchangeInfoUnavailableException(ExchangeInfoFailure.Timeout, $"no complete answer within {deadline}", exception);
        }
    }
}

internal sealed record ExchangeInfoResponse([property: JsonPropertyName("symbols")] List<ExchangeInfoSymbol?>? Symbols);

internal sealed record ExchangeInfoSymbol(
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("status")] string? Status);

[JsonSerializable(typeof(ExchangeInfoResponse))]
internal sealed partial class ExchangeInfoJsonContext : JsonSerializerContext;
