using BenchmarkDotNet.Attributes;
using KlineAspire.Ingestor.Candles;
using KlineAspire.Ingestor.Feed;
using KlineAspire.Ingestor.Parsing;

namespace KlineAspire.Benchmarks;

/// <summary>
/// The hot path of a connection: one received text frame (UTF-8 bytes) through <see cref="KlineFrameProcessor.Process"/>,
/// i.e. count, parse, store lookup, slot update and lag histogram, in the real application's DI graph with the
/// OpenTelemetry listener attached. One operation is one frame.
/// </summary>
/// <remarks>
/// The frames are pre-built: every stream of the universe appears <see cref="_rounds"/> times with different prices
/// and increasing event times. A slot ignores an update older than what it holds, so before each frame is processed
/// its 13-digit event time is advanced in place by the number of rounds; every frame is therefore newer than the last
/// one of its stream and really updates the store. <see cref="EventTimeBumpOnly"/> measures that harness cost alone.
/// </remarks>
[MemoryDiagnoser]
public class ParseAndStoreBenchmarks
{
    private const int FramesPerInvoke = 4096;

    private BenchmarkIngestor _ingestor = null!;
    private KlineFrameProcessor _processor = null!;
    private byte[][] _raw = [];
    private byte[][] _combined = [];
    private int[] _rawOffsets = [];
    private int[] _combinedOffsets = [];
    private int _rounds;
    private int _rawCursor;
    private int _combinedCursor;
    private int _bumpCursor;

    /// <summary>Configured streams: one connection's worth, and the 48,000-stream scale target.</summary>
    [Params(1024, 48_000)]
    public int Streams { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var universe = StreamUniverse.Of(Streams);
        _ingestor = BenchmarkIngestor.BuildAsync(universe).GetAwaiter().GetResult();
        _processor = _ingestor.Processor;
        _rounds = Math.Max(1, FramesPerInvoke / universe.Count);

        var streams = universe.Streams().ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var openTime = now - now % 60_000;
        var raw = new List<byte[]>();
        var combined = new List<byte[]>();
        for (var round = 0; round < _rounds; round++)
        {
            for (var index = 0; index < streams.Length; index++)
            {
                var values = KlineValues.For(streams[index].Symbol, streams[index].Interval, index, round, now + round, openTime);
                raw.Add(KlineFrames.Utf8(values, combined: false));
                combined.Add(KlineFrames.Utf8(values, combined: true));
            }
        }

        _raw = [.. raw];
        _combined = [.. combined];
        _rawOffsets = [.. _raw.Select(frame => KlineFrames.EventTimeOffset(frame))];
        _combinedOffsets = [.. _combined.Select(frame => KlineFrames.EventTimeOffset(frame))];

        // One full pass of each form fills the store; check that every frame was a kline of a known stream and applied.
        ProcessAll(_raw, _rawOffsets);
        ProcessAll(_combined, _combinedOffsets);
        Verify(universe);
    }

    [GlobalCleanup]
    public void Cleanup() => _ingestor.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "Process raw frame")]
    public int ProcessRaw() => Process(_raw, _rawOffsets, ref _rawCursor);

    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "Process combined frame")]
    public int ProcessCombined() => Process(_combined, _combinedOffsets, ref _combinedCursor);

    /// <summary>The parser alone, without counting, lookup or store: how the time splits.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "Parse raw frame only")]
    public long ParseRawOnly()
    {
        var frames = _raw;
        var sum = 0L;
        var frame = default(ParsedFrame);
        for (var index = 0; index < FramesPerInvoke; index++)
        {
            KlineFrameParser.Parse(frames[index % frames.Length], ref frame);
            sum += frame.EventTime;
        }

        return sum;
    }

    /// <summary>
    /// The general <see cref="System.Text.Json.Utf8JsonReader"/> parser alone, which every frame went through before
    /// the fast path existed and which still takes every frame the fast path declines.
    /// </summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "Parse raw frame only, general parser")]
    public long ParseRawGeneral()
    {
        var frames = _raw;
        var sum = 0L;
        var frame = default(ParsedFrame);
        for (var index = 0; index < FramesPerInvoke; index++)
        {
            KlineFrameParser.ParseGeneral(frames[index % frames.Length], ref frame);
            sum += frame.EventTime;
        }

        return sum;
    }

    /// <summary>The harness' own cost per frame: advancing the event time in place.</summary>
    [Benchmark(OperationsPerInvoke = FramesPerInvoke, Description = "Harness: event-time bump only")]
    public int EventTimeBumpOnly()
    {
        var frames = _raw;
        var offsets = _rawOffsets;
        var cursor = _bumpCursor;
        for (var index = 0; index < FramesPerInvoke; index++)
        {
            var offset = offsets[cursor];
            KlineFrames.AddInPlace(frames[cursor], offset, offset + 13, _rounds);
            cursor = cursor + 1 == frames.Length ? 0 : cursor + 1;
        }

        _bumpCursor = cursor;
        return cursor;
    }

    private int Process(byte[][] frames, int[] offsets, ref int cursorField)
    {
        var processor = _processor;
        var cursor = cursorField;
        var klines = 0;
        var frame = default(ParsedFrame);
        for (var index = 0; index < FramesPerInvoke; index++)
        {
            var bytes = frames[cursor];
            var offset = offsets[cursor];
            KlineFrames.AddInPlace(bytes, offset, offset + 13, _rounds);
            if (processor.Process(bytes, ref frame) == FrameKind.Kline)
            {
                klines++;
            }

            cursor = cursor + 1 == frames.Length ? 0 : cursor + 1;
        }

        cursorField = cursor;
        return klines;
    }

    private void ProcessAll(byte[][] frames, int[] offsets)
    {
        var frame = default(ParsedFrame);
        for (var index = 0; index < frames.Length; index++)
        {
            KlineFrames.AddInPlace(frames[index], offsets[index], offsets[index] + 13, _rounds);
            if (_processor.Process(frames[index], ref frame) != FrameKind.Kline)
            {
                throw new InvalidOperationException($"Frame {index} was not processed as a kline: {frame.Reason} {frame.Detail}.");
            }
        }
    }

    private void Verify(StreamUniverse universe)
    {
        // The last round of the combined pass is what every slot must hold now.
        var lastRound = (_rounds - 1) * universe.Count;
        var frame = default(ParsedFrame);
        for (var index = 0; index < universe.Count; index++)
        {
            KlineFrameParser.Parse(_combined[lastRound + index], ref frame);
            if (!_ingestor.Store.TryGetSlot(frame.Symbol, frame.Interval, frame.Utc8, out var slot)
                || !Read(slot, frame.OpenTime, out var snapshot)
                || snapshot.EventTime != frame.EventTime
                || snapshot.Close != frame.Close
                || snapshot.QuoteVolume != frame.QuoteVolume)
            {
                throw new InvalidOperationException($"Stream {index} does not hold the last frame sent to it.");
            }
        }
    }

    private static bool Read(StreamSlot slot, long openTime, out StreamReading reading)
    {
        // At the candle's own open time: what was stored, before any rollover.
        slot.Read(openTime, long.MaxValue, out reading);
        return reading.HasData;
    }
}
