namespace KlineAspire.Simulator;

/// <summary>
/// Misbehaviour to inject, switchable at run time, for the failure modes a real exchange shows now and then.
/// </summary>
public sealed class SimulatorFaults
{
    /// <summary>When set, every WebSocket handshake is answered with this HTTP status (e.g. 429 or 503).</summary>
    public int? RefuseHandshakesWith { get; set; }

    /// <summary>SUBSCRIBE requests are swallowed: no ack, no error, no data.</summary>
    public bool IgnoreSubscribes { get; set; }

    /// <summary>The server keeps every socket open (and keeps pinging) but sends nothing: no data, no replies to control messages.</summary>
    public bool StopSending { get; set; }

    /// <summary>A delay before every read of a client message, like an overloaded server.</summary>
    public TimeSpan SlowRead { get; set; }

    /// <summary>When set, every REST request (<c>/api/v3/...</c>) is answered with this HTTP status, as if REST were down.</summary>
    public int? RestFailsWith { get; set; }

    public void Clear() => CopyFrom(new SimulatorFaults());

    public void CopyFrom(SimulatorFaults other)
    {
        RefuseHandshakesWith = other.RefuseHandshakesWith;
        IgnoreSubscribes = other.IgnoreSubscribes;
        StopSending = other.StopSending;
        SlowRead = other.SlowRead;
        RestFailsWith = other.RestFailsWith;
    }
}
