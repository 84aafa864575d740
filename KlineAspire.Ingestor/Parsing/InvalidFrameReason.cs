namespace KlineAspire.Ingestor.Parsing;

/// <summary>Why a frame was rejected. The labels are the <c>reason</c> label of the invalid-frame counter.</summary>
public enum InvalidFrameReason
{
    None,
    InvalidJson,
    InvalidUtf8,
    MissingField,
    InvalidValue,
    UnknownEvent,
    UnknownStream,
    TooLarge,

    /// <summary>The server answered a request with an error; counted with the invalid frames, as a reason of its own.</summary>
    ErrorResponse,
}

public static class InvalidFrameReasons
{
    public static string ToLabel(this InvalidFrameReason reason) => reason switch
    {
        InvalidFrameReason.InvalidJson => "invalid_json",
        InvalidFrameReason.InvalidUtf8 => "invalid_utf8",
        InvalidFrameReason.MissingField => "missing_field",
        InvalidFrameReason.InvalidValue => "invalid_value",
        InvalidFrameReason.UnknownEvent => "unknown_event",
        InvalidFrameReason.UnknownStream => "unknown_stream",
        InvalidFrameReason.TooLarge => "too_large",
        InvalidFrameReason.ErrorResponse => "error_response",
        _ => "none",
    };
}
