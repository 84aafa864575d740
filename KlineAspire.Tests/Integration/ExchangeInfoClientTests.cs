using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Subscriptions;
using KlineAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KlineAspire.Tests.Integration;

/// <summary>
/// Every way a read of exchangeInfo can fail ends as one <see cref="ExchangeInfoUnavailableException"/> with its reason,
/// whatever layer it fails in; only the caller's own cancellation passes through.
/// </summary>
public sealed class ExchangeInfoClientTests : IAsyncDisposable
{
    // Far above a loopback answer's time, so only a stalled body reaches it.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    private readonly ExchangeInfoServer _server = ExchangeInfoServer.Start("BTCUSDT", "ETHUSDT");
    private readonly ServiceProvider _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    private ExchangeInfoClient Client() => new(
        _services.GetRequiredService<IHttpClientFactory>(),
        new RestWeightBudget(BinanceLimits.ExchangeInfoWeight, TimeProvider.System),
        Options.Create(new BinanceOptions { RestEndpoint = _server.BaseUri.ToString(), RestTimeout = Deadline }));

    [Fact]
    public async Task A_complete_answer_lists_its_symbols()
    {
        var listed = await Client().GetSymbolsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["BTCUSDT", "ETHUSDT"], listed.Select(s => s.Symbol));
        Assert.All(listed, s => Assert.True(s.IsTrading));
    }

    [Fact]
    public async Task A_connection_reset_in_the_middle_of_the_body_is_a_transport_failure()
    {
        _server.Next = ExchangeInfoServer.Answer.ResetMidBody;

        var failure = await Assert.ThrowsAsync<ExchangeInfoUnavailableException>(() => Client().GetSymbolsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ExchangeInfoFailure.Transport, failure.Failure);
        Assert.Contains("while the answer was read", failure.Message);
        Assert.Equal(1, _server.Requests);
    }

    [Fact]
    public async Task A_body_that_stalls_ends_at_the_deadline_as_a_timeout()
    {
        _server.Next = ExchangeInfoServer.Answer.StallMidBody;

        var failure = await Assert.ThrowsAsync<ExchangeInfoUnavailableException>(() => Client().GetSymbolsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ExchangeInfoFailure.Timeout, failure.Failure);
        Assert.Contains($"no complete answer within {Deadline}", failure.Message);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_a_failure()
    {
        _server.Next = ExchangeInfoServer.Answer.StallMidBody;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var client = Client();

        var read = client.GetSymbolsAsync(TimeSpan.FromMinutes(5), stopping.Token);
        await WaitForRequestAsync();
        await stopping.CancelAsync();

        // Shutting down: not counted or logged as a failed refresh.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"symbols":5}""")]
    [InlineData("""{"timezone":"UTC"}""")]
    [InlineData("""{"symbols":[{"symbol":7,"status":"TRADING"}]}""")]
    [InlineData("""{"symbols":[{"symbol":"BTCUSDT","status":"TRADING"}""")]
    public async Task An_answer_that_is_not_exchangeInfo_is_unreadable(string body)
    {
        _server.Body = body;

        var failure = await Assert.ThrowsAsync<ExchangeInfoUnavailableException>(() => Client().GetSymbolsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ExchangeInfoFailure.Unreadable, failure.Failure);
    }

    [Fact]
    public async Task Empty_entries_in_the_symbol_list_are_skipped()
    {
        _server.Body = """{"symbols":[null,{"status":"TRADING"},{"symbol":"BTCUSDT","status":"BREAK"}]}""";

        var listed = await Client().GetSymbolsAsync(TestContext.Current.CancellationToken);

        Assert.Equal([new ListedSymbol("BTCUSDT", "BREAK")], listed);
    }

    private Task WaitForRequestAsync() =>
        SimulatorHost.WaitUntilAsync(() => _server.Requests == 1, "the request reached the server", TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }
}
