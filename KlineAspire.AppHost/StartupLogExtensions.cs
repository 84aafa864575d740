using Microsoft.Extensions.Logging;

namespace KlineAspire.AppHost;

internal static class StartupLogExtensions
{
    /// <summary>Logs one line through the AppHost's logger once the application starts (no logger exists while building the model).</summary>
    public static void LogAtStart(this IDistributedApplicationBuilder builder, LogLevel level, string message) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KlineAspire.AppHost").Log(level, "{Message}", message);
            return Task.CompletedTask;
        });
}
