using System.Text.Json;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Configuration;
using KlineAspire.Ingestor.Pacing;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Subscribes the streams of one connection and proves a silent connection alive, within Binance's limit of
/// messages per second: every request waits for the connection's send limiter, and every wait for a reply ends
/// at once when the connection does. A request that cannot be sent is a lost connection
/// (<see cref="ConnectionLostException"/>), never an unexpected failure.
/// </summary>
internal sealed class StreamSubscriber(
    Func<string, Task> send,
    Task<DisconnectReason> connectionEnded,
    RequestTracker requests,
    SlidingWindowLimiter sendLimiter,
    BinanceOptions options,
    TimeProvider time)
{
    /// <summary>Subscribes in batches; returns the number of requests sent. Throws when Binance refuses or the connection drops.</summary>
    public Task<int> SubscribeAsync(IReadOnlyList<StreamId> streams, CancellationToken cancellationToken) =>
        SendInBatchesAsync("SUBSCRIBE", streams, cancellationToken);

    /// <summary>Unsubscribes in batches, like <see cref="SubscribeAsync"/>: same limiter, same wait for the replies.</summary>
    public Task<int> UnsubscribeAsync(IReadOnlyList<StreamId> streams, CancellationToken cancellationToken) =>
        SendInBatchesAsync("UNSUBSCRIBE", streams, cancellationToken);

    private async Task<int> SendInBatchesAsync(string method, IReadOnlyList<StreamId> streams, CancellationToken cancellationToken)
    {
        var replies = new List<Task<ControlReply>>();
        foreach (var batch in streams.Chunk(options.SubscribeBatchSize))
        {
            await sendLimiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
            var (id, reply) = requests.Register();
            replies.Add(reply);
            await SendAsync(method, ControlRequests.StreamRequest(method, id, batch.Select(stream => stream.Name))).ConfigureAwait(false);
        }

        var all = Task.WhenAll(replies);
        await AwaitReplyAsync(all, method, cancellationToken).ConfigureAwait(false);
        foreach (var reply in replies)
        {
            if (reply.Result is { IsError: true } refused)
            {
                throw new SubscribeFailedException($"Binance refused {method}: error {refused.ErrorCode} {refused.ErrorMessage}");
            }
        }

        return replies.Count;
    }

    /// <summary>
    /// Asks the server which streams this connection carries (LIST_SUBSCRIPTIONS) and returns the planned streams
    /// missing from its answer. An answer at all proves the connection alive; silence or an unreadable answer throws.
    /// </summary>
    public async Task<IReadOnlyList<StreamId>> ProbeAsync(IReadOnlyCollection<StreamId> planned, CancellationToken cancellationToken)
    {
        await sendLimiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var (id, reply) = requests.Register(keepFrame: true);
        try
        {
            await SendAsync("LIST_SUBSCRIPTIONS", ControlRequests.ListSubscriptions(id)).ConfigureAwait(false);
            await AwaitReplyAsync(reply, "LIST_SUBSCRIPTIONS", cancellationToken).ConfigureAwait(false);
        }
        catch (SubscribeFailedException exception)
        {
            throw new ProbeFailedException(exception.Message);
        }
        finally
        {
            requests.Forget(id);
        }

        var answer = reply.Result;
        if (answer.IsError || answer.Frame is null)
        {
            throw new ProbeFailedException($"Binance answered LIST_SUBSCRIPTIONS with error {answer.ErrorCode} {answer.ErrorMessage}");
        }

        try
        {
            var listed = ControlRequests.ReadSubscriptionList(answer.Frame);
            return planned.Where(stream => !listed.Contains(stream.Name)).ToList();
        }
        catch (JsonException exception)
        {
            throw new ProbeFailedException($"unreadable LIST_SUBSCRIPTIONS answer: {exception.Message}");
        }
    }

    /// <summary>Sends one request; a connection that ended before, or fails the write, throws <see cref="ConnectionLostException"/>.</summary>
    private async Task SendAsync(string method, string request)
    {
        if (connectionEnded.IsCompleted)
        {
            throw new ConnectionLostException($"the connection closed before {method} could be sent");
        }

        try
        {
            await send(request).ConfigureAwait(false);
        }
        catch (ConnectionLostException exception)
        {
            throw new ConnectionLostException($"the connection failed while sending {method}: {exception.Message}");
        }
    }

    private async Task AwaitReplyAsync(Task reply, string method, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Task.Delay(options.SubscribeTimeout, time, timeout.Token);
        var first = await Task.WhenAny(reply, connectionEnded, deadline).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == reply && reply.IsCompletedSuccessfully)
        {
            return;
        }

        if (first == connectionEnded || reply.IsCanceled)
        {
            throw new ConnectionLostException($"the connection dropped while waiting for the {method} reply");
        }

        throw new SubscribeFailedException($"no answer to {method} within {options.SubscribeTimeout}");
    }
}
