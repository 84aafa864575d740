namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// One per-stream instrument: what OpenTelemetry calls it, what Prometheus shows, and which <c>Binance:Series</c>
/// groups select it. <see cref="KlineInstruments.All"/> lists every one; the gauges, the series selection and the
/// metrics reference are all read from that list, so they cannot drift apart.
/// </summary>
/// <param name="Name">The OpenTelemetry instrument name.</param>
/// <param name="PrometheusName">The name the Prometheus exporter gives it (unit suffix, <c>_total</c> on counters).</param>
/// <param name="Description">The help text, in <c>/metrics</c> and the docs.</param>
/// <param name="Unit">The OpenTelemetry unit, or null for prices and volumes (a quote asset is no unit of Prometheus').</param>
/// <param name="Groups">The <c>Binance:Series</c> groups, besides <c>all</c>, that select it.</param>
public sealed record KlineInstrument(string Name, string PrometheusName, string Description, string? Unit, params string[] Groups);
