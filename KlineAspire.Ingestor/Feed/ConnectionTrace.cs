using System.Diagnostics;
using KlineAspire.Ingestor.Exposition;

namespace KlineAspire.Ingestor.Feed;

/// <summary>
/// The traces of one connection. Its lifetime is a span that ends only when the connection does (up to a day), so
/// on its own it shows nothing while the connection works. Each step (connect, subscribe, probe, rotation,
/// reconnect) is therefore a short span of its own trace, ended as soon as the step is, carrying the connection's
/// name, its stream count and the outcome, and linked to the lifetime span.
/// </summary>
internal sealed class ConnectionTrace : IDisposable
{
    public const string LifetimeName = "binance.connection";
    public const string ConnectionTag = "kline.connection";
    public const string StreamsTag = "kline.streams";
    public const string OutcomeTag = "kline.outcome";

    private readonly Activity? _lifetime;
    private readonly string _connection;
    private readonly int _streams;
    private readonly string _url;

    public ConnectionTrace(string connection, int streams, Uri uri)
    {
        _connection = connection;
        _streams = streams;
        _url = uri.ToString();
        var ambient = Activity.Current;
        Activity.Current = null;
        _lifetime = IngestorTelemetry.ActivitySource.StartActivity(LifetimeName, ActivityKind.Client);
        _lifetime?.SetTag(ConnectionTag, connection);
        _lifetime?.SetTag(StreamsTag, streams);
        _lifetime?.SetTag("url.full", _url);
        // The lifetime must not become the parent of everything that follows on this flow.
        Activity.Current = ambient;
    }

    /// <summary>Starts a step span; end it with <see cref="Complete"/> or by disposing it (then its outcome is what was set).</summary>
    public Activity? Step(string name)
    {
        var ambient = Activity.Current;
        Activity.Current = null;
        var links = _lifetime is null ? null : new[] { new ActivityLink(_lifetime.Context) };
        var step = IngestorTelemetry.ActivitySource.StartActivity(name, ActivityKind.Internal, default(ActivityContext), links: links);
        step?.SetTag(ConnectionTag, _connection);
        step?.SetTag(StreamsTag, _streams);
        step?.SetTag("url.full", _url);
        Activity.Current = ambient;
        return step;
    }

    /// <summary>Records a step that has no duration of its own, such as a decision, as a completed span.</summary>
    public void Event(string name, string outcome, params (string Key, object? Value)[] tags)
    {
        using var step = Step(name);
        Complete(step, outcome, error: false, tags);
    }

    public static void Complete(Activity? step, string outcome, bool error, params (string Key, object? Value)[] tags)
    {
        if (step is null)
        {
            return;
        }

        step.SetTag(OutcomeTag, outcome);
        foreach (var (key, value) in tags)
        {
            step.SetTag(key, value);
        }

        if (error)
        {
            step.SetStatus(ActivityStatusCode.Error, outcome);
        }

        step.Stop();
    }

    /// <summary>Ends the lifetime span with the reason the connection ended.</summary>
    public void End(DisconnectReason reason, bool error)
    {
        if (_lifetime is null)
        {
            return;
        }

        var label = reason.ToLabel();
        _lifetime.SetTag("kline.disconnect.reason", label);
        _lifetime.AddEvent(new ActivityEvent(label));
        if (error)
        {
            _lifetime.SetStatus(ActivityStatusCode.Error, label);
        }

        _lifetime.Stop();
    }

    public void Dispose() => _lifetime?.Dispose();
}
