using KlineAspire.Simulator;

// A Binance-compatible market-data server for offline runs: `dotnet run --project KlineAspire.Simulator`.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddBinanceSimulator();

var app = builder.Build();
app.UseWebSockets();
app.MapDefaultEndpoints();
app.MapBinanceSimulator();
app.Run();
