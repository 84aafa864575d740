using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Tests.Unit;

/// <summary>
/// The <c>reason</c> labels of <c>kline_ingestor_reconnects_total</c> and <c>kline_ingestor_invalid_frames_total</c>:
/// alert rules, recording rules and the dashboard select on these exact values, so every reason has one, and none changes.
/// </summary>
public class ReasonLabelTests
{
    [Fact]
    public void Every_disconnect_reason_has_its_own_label_and_the_labels_stay_as_published()
    {
        var labels = Enum.GetValues<DisconnectReason>().ToDictionary(reason => reason, reason => reason.ToLabel());

        Assert.Equal(
            new Dictionary<DisconnectReason, string>
            {
                [DisconnectReason.ConnectFailed] = "connect_failed",
                [DisconnectReason.SubscribeFailed] = "subscribe_failed",
                [DisconnectReason.Lost] = "lost",
                [DisconnectReason.ProbeFailed] = "probe_failed",
                [DisconnectReason.ServerShutdown] = "server_shutdown",
                [DisconnectReason.Rotation] = "rotation",
                [DisconnectReason.MessageTooLarge] = "message_too_large",
                [DisconnectReason.Shutdown] = "shutdown",
            },
            labels);
    }

    [Fact]
    public void Every_invalid_frame_reason_has_its_own_label_and_the_labels_stay_as_published()
    {
        var labels = Enum.GetValues<InvalidFrameReason>().Where(reason => reason != InvalidFrameReason.None)
            .ToDictionary(reason => reason, reason => reason.ToLabel());

        Assert.Equal(
            new Dictionary<InvalidFrameReason, string>
            {
                [InvalidFrameReason.InvalidJson] = "invalid_json",
                [InvalidFrameReason.InvalidUtf8] = "invalid_utf8",
                [InvalidFrameReason.MissingField] = "missing_field",
                [InvalidFrameReason.InvalidValue] = "invalid_value",
                [InvalidFrameReason.UnknownEvent] = "unknown_event",
                [InvalidFrameReason.UnknownStream] = "unknown_stream",
                [InvalidFrameReason.TooLarge] = "too_large",
                [InvalidFrameReason.ErrorResponse] = "error_response",
            },
            labels);
    }
}
