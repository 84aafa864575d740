namespace KlineAspire.Simulator;

/// <summary>Endpoint metadata: what a REST endpoint costs against the per-minute request weight (Binance's figures).</summary>
internal sealed record RequestWeight(int Weight);
