using System.Collections.Concurrent;
using System.Text;
using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// Matches Binance's replies to the control requests of one connection by id. Replies arrive on the receive loop,
/// so completing one never runs the waiter inline.
/// </summary>
internal sealed class RequestTracker
{
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private long _nextId;

    private sealed record Pending(TaskCompletionSource<ControlReply> Reply, bool KeepsFrame);

    /// <summary>Reserves an id; the task completes with the reply, or is cancelled when the connection goes away.</summary>
    public (long Id, Task<ControlReply> Reply) Register(bool keepFrame = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<ControlReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = new Pending(reply, keepFrame);
        return (id, reply.Task);
    }

    /// <summary>Completes the request a reply answers; false when it answers none of ours (or carries no id).</summary>
    public bool TryComplete(ref readonly ParsedFrame frame, ReadOnlySpan<byte> bytes)
    {
        if (!frame.HasResponseId || !_pending.TryRemove(frame.ResponseId, out var pending))
        {
            return false;
        }

        var reply = frame.HasError
            ? new ControlReply(null, frame.ErrorCode, Encoding.UTF8.GetString(frame.ErrorMessage))
            : new ControlReply(pending.KeepsFrame ? bytes.ToArray() : null, null, null);
        pending.Reply.TrySetResult(reply);
        return true;
    }

    public void Forget(long id) => _pending.TryRemove(id, out _);

    public void CancelAll()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                pending.Reply.TrySetCanceled();
            }
        }
    }
}
