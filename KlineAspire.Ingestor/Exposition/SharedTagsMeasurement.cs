using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace KlineAspire.Ingestor.Exposition;

/// <summary>
/// Makes a <see cref="Measurement{T}"/> that refers to a stream's own tag array instead of a copy of it.
/// <para>
/// Every public constructor of <see cref="Measurement{T}"/> copies its tags into a new array (the array, span,
/// <c>TagList</c> and enumerable overloads alike). An observable instrument reports one measurement per series per
/// collection, so at 504,000 series a scrape made ~28 MB of two-tag arrays that died at once: most of the garbage
/// collector's slack above the live heap, and with it most of the run-to-run spread of the ingestor's RSS at scale.
/// The listener only reads the tags while the callback runs (OpenTelemetry copies them into its own array when a
/// series first appears), and a stream's tag array never changes, so sharing it is safe.
/// </para>
/// <para>
/// The measurement is made tag-less and its private <c>_tags</c> field then set through <see cref="UnsafeAccessorAttribute"/>.
/// That field is the runtime's implementation, not its contract: on first use the result is checked, and should a
/// runtime name or use the field differently, every measurement falls back to the copying constructor.
/// </para>
/// </summary>
internal static class SharedTagsMeasurement<T> where T : struct
{
    private static readonly bool Shares = CanShare();

    public static Measurement<T> Create(T value, KeyValuePair<string, object?>[] tags)
    {
        if (!Shares)
        {
            return new Measurement<T>(value, tags);
        }

        var measurement = new Measurement<T>(value);
        TagsField(ref measurement) = tags;
        return measurement;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_tags")]
    private static extern ref KeyValuePair<string, object?>[] TagsField(ref Measurement<T> measurement);

    private static bool CanShare()
    {
        KeyValuePair<string, object?>[] probe = [new("interval", "1m"), new("symbol", "BTCUSDT")];
        try
        {
            var measurement = new Measurement<T>(default);
            TagsField(ref measurement) = probe;
            var tags = measurement.Tags;
            return tags.Length == probe.Length && Unsafe.AreSame(ref Unsafe.AsRef(in tags[0]), ref probe[0]);
        }
        catch (MissingMemberException)
        {
            return false;
        }
    }
}
