using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KlineAspire.Tests.Infrastructure;

/// <summary>
/// An OTLP/HTTP protobuf receiver with the Aspire dashboard's limit: a request body over 4 MiB is refused with 400,
/// as the dashboard's <c>OtlpHttpEndpointsBuilder</c> does (its gRPC endpoint has the same 4 MiB default). It keeps
/// every metrics export's outcome and, for accepted ones, the body, so a test can look for instrument names (protobuf
/// stores them as plain UTF-8).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    public const int DashboardMaxRequestBytes = 4 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<MetricsExport> _metrics = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<MetricsExport> MetricsExports => [.. _metrics];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseSetting("urls", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            var body = await ReadBodyAsync(context.Request);
            if (signal == "metrics")
            {
                receiver._metrics.Enqueue(new MetricsExport(DateTimeOffset.UtcNow, body.Length <= DashboardMaxRequestBytes, body.Length,
                    body.Length <= DashboardMaxRequestBytes ? body : []));
            }

            if (body.Length > DashboardMaxRequestBytes)
            {
                return Results.BadRequest($"The request body was larger than the max allowed of {DashboardMaxRequestBytes} bytes.");
            }

            // An empty Export*ServiceResponse: full success.
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>Settings that point an ingestor's OTLP exporters here, exporting metrics every <paramref name="interval"/>.</summary>
    public Dictionary<string, string> IngestorSettings(TimeSpan interval) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = ((int)interval.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // Reads the whole body even past the limit, to report its size.
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    public sealed record MetricsExport(DateTimeOffset ReceivedAt, bool Accepted, long Bytes, byte[] Body)
    {
        public bool Mentions(string instrument) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(instrument)) >= 0;
    }
}
