using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KlineAspire.Benchmarks.Loopback;

/// <summary>
/// The ingestor as its own OS process (Release build), so its CPU time and memory are measured apart from the
/// simulator that drives it.
/// </summary>
internal sealed class IngestorProcess : IAsyncDisposable
{
    private readonly Process _process;

    private IngestorProcess(Process process, Uri baseAddress)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    /// <summary>What Prometheus sends when it scrapes: OpenMetrics first, compressed.</summary>
    private const string PrometheusAccept =
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    public static Task<IngestorProcess> StartAsync(Uri endpoint, IReadOnlyList<string> symbols, IReadOnlyList<string> intervals, params string[] settings) =>
        StartAsync(endpoint, symbols, intervals, settings, environment: null);

    /// <param name="environment">Variables to set in the process's environment, beside the symbols and intervals.</param>
    public static async Task<IngestorProcess> StartAsync(Uri endpoint, IReadOnlyList<string> symbols, IReadOnlyList<string> intervals, string[] settings,
        IReadOnlyDictionary<string, string>? environment)
    {
        var dll = Path.Combine(RepositoryRoot(), "KlineAspire.Ingestor", "bin", "Release", "net10.0", "KlineAspire.Ingestor.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing; build the ingestor in Release first (dotnet build -c Release KlineAspire.Ingestor).");
        }

        var port = FreePort();
        // Symbols go through the environment: 3,000 of them would make an unwieldy command line.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--Binance:Endpoint={endpoint}", "--Logging:LogLevel:Default=Warning" }
            .Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Binance__Symbols"] = string.Join(',', symbols);
        start.Environment["Binance__Intervals"] = string.Join(',', intervals);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the ingestor did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"[ingestor] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ingestor = new IngestorProcess(process, new Uri($"http://127.0.0.1:{port}"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                (await ingestor.Http.GetAsync("/alive")).EnsureSuccessStatusCode();
                return ingestor;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>User plus system CPU time of the process so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, counted after the parenthesised name.
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
    }

    /// <summary>Resident set size now and at its peak, in bytes.</summary>
    public (long Current, long Peak) Memory
    {
        get
        {
            long Read(string key) => long.Parse(File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(key, StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            return (Read("VmRSS:"), Read("VmHWM:"));
        }
    }

    public Task<string> ScrapeAsync() => Http.GetStringAsync("/metrics");

    /// <summary>
    /// One <c>GET /metrics</c>, timed until the last byte of the body arrives. <paramref name="asPrometheus"/> asks as
    /// Prometheus does (OpenMetrics, <c>Accept-Encoding: gzip</c>); otherwise plain text, uncompressed.
    /// </summary>
    public async Task<Scrape> ScrapeAsync(bool asPrometheus)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (asPrometheus)
        {
            request.Headers.Accept.ParseAdd(PrometheusAccept);
            request.Headers.AcceptEncoding.ParseAdd("gzip");
        }

        var clock = Stopwatch.StartNew();
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        var elapsed = clock.Elapsed;
        var gzip = response.Content.Headers.ContentEncoding.Contains("gzip");
        string text;
        if (gzip)
        {
            using var reader = new StreamReader(new GZipStream(new MemoryStream(body), CompressionMode.Decompress), Encoding.UTF8);
            text = await reader.ReadToEndAsync();
        }
        else
        {
            text = Encoding.UTF8.GetString(body);
        }

        return new Scrape(text, body.Length, gzip, response.Content.Headers.ContentType?.MediaType ?? "", elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KlineAspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("KlineAspire.sln not found above " + AppContext.BaseDirectory);
    }
}

