using System.Globalization;
using System.Text.Json;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Ingestor.History;

/// <summary>
/// Reads closed candles (<c>GET /api/v3/klines</c>, weight 2) through the same retry-free client and weight budget as
/// exchangeInfo, so history and symbol refreshes together stay within the budget. One call is one request.
/// </summary>
public sealed class KlinesClient(IHttpClientFactory httpClients, RestWeightBudget budget, IOptions<BinanceOptions> options)
{
    /// <summary>Binance's error code for a symbol it does not know.</summary>
    public const int InvalidSymbolCode = -1121;

    private readonly Uri _address = RestEndpointUri.Klines(options.Value.RestEndpoint);
    private readonly TimeSpan _timeout = options.Value.RestTimeout;

    /// <summary>
    /// The <paramref name="limit"/> candles of <paramref name="stream"/> opening at or before <paramref name="endOpenTime"/>,
    /// oldest first. Throws <see cref="KlinesUnavailableException"/> for any failure; only the caller's cancellation passes
    /// through as <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<IReadOnlyList<ClosedCandle>> GetAsync(StreamId stream, long endOpenTime, int limit, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(BinanceLimits.KlinesWeight, cancellationToken).ConfigureAwait(false);
        var http = httpClients.CreateClient(ExchangeInfoClient.HttpClientName);
        using var request = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        request.CancelAfter(_timeout);
        var uri = new Uri(_address, string.Create(CultureInfo.InvariantCulture, $"?symbol={Uri.EscapeDataString(stream.Symbol)}&interval={Uri.EscapeDataString(stream.Interval)}&endTime={endOpenTime}&limit={limit}"));
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, request.Token).ConfigureAwait(false);
            budget.Observe(response, BinanceLimits.KlinesWeight);
            var body = await response.Content.ReadAsByteArrayAsync(request.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new KlinesUnavailableException((int)response.StatusCode, ErrorCode(body), $"HTTP {(int)response.StatusCode} {ErrorMessage(body) ?? response.ReasonPhrase}");
            }

            return Parse(body);
        }
        catch (HttpRequestException exception)
        {
            throw new KlinesUnavailableException(null, null, exception.Message, exception);
        }
        catch (IOException exception)
        {
            throw new KlinesUnavailableException(null, null, $"the connection failed while the answer was read: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new KlinesUnavailableException(null, null, $"unreadable answer: {exception.Message}", exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KlinesUnavailableException(null, null, $"no complete answer within {_timeout}", exception);
        }
    }

    /// <summary>Rows <c>[openTime,"o","h","l","c","v",closeTime,"q",trades,"V","Q","0"]</c>, parsed as the live frames are (invariant doubles).</summary>
    private static List<ClosedCandle> Parse(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var candles = new List<ClosedCandle>(document.RootElement.GetArrayLength());
        foreach (var row in document.RootElement.EnumerateArray())
        {
            candles.Add(ClosedCandle.Of(row[0].GetInt64(), Number(row[1]), Number(row[2]), Number(row[3]), Number(row[4]), Number(row[5]), Number(row[7]), row[8].GetInt64()));
        }

        return candles;
    }

    private static double Number(JsonElement value) => double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int? ErrorCode(byte[] body) => ReadError(body, "code") is { ValueKind: JsonValueKind.Number } code && code.TryGetInt32(out var value) ? value : null;

    private static string? ErrorMessage(byte[] body) => ReadError(body, "msg") is { ValueKind: JsonValueKind.String } message ? message.GetString() : null;

    private static JsonElement? ReadError(byte[] body, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(field, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
