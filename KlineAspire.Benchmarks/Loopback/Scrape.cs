namespace KlineAspire.Benchmarks.Loopback;

/// <summary>One <c>/metrics</c> response: its text, the bytes that crossed the wire, how they were encoded, and how long it took.</summary>
internal sealed record Scrape(string Text, long WireBytes, bool Gzip, string MediaType, TimeSpan Elapsed);
