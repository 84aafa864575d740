using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KlineAspire.Simulator;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the simulator. With <paramref name="options"/> the given instance is used (in-process tests);
    /// without, the <c>Simulator</c> configuration section is bound (the runnable project).
    /// </summary>
    public static IServiceCollection AddBinanceSimulator(this IServiceCollection services, SimulatorOptions? options = null)
    {
        if (options is null)
        {
            services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName);
        }
        else
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<SimulatorOptions>>().Value);
        services.AddSingleton<SimulatorFaults>();
        services.AddSingleton(sp => new ConnectionAttemptBudget(
            sp.GetRequiredService<SimulatorOptions>().MaxConnectionAttempts,
            sp.GetRequiredService<SimulatorOptions>().ConnectionAttemptWindow,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SimulatorConnections>();
        services.AddSingleton<LimitViolations>();
        services.AddSingleton<ClientCloses>();
        services.AddSingleton<FeedGate>();
        services.AddSingleton<SymbolUniverse>();
        services.AddSingleton<QuietStreams>();
        services.AddSingleton<KlinePast>();
        services.AddSingleton<KlineHistory>();
        services.AddSingleton<SentUpdateCounts>();
        services.AddSingleton<KlinePublisher>();
        services.AddSingleton<RestRequestCounts>();
        services.AddSingleton<RequestWeightLimiter>();
        services.AddSingleton(sp => new BinanceSimulator(
            sp.GetRequiredService<SimulatorOptions>(),
            sp.GetRequiredService<SimulatorFaults>(),
            sp.GetRequiredService<SymbolUniverse>(),
            sp.GetRequiredService<QuietStreams>(),
            sp.GetRequiredService<IServer>(),
            sp.GetRequiredService<SimulatorConnections>(),
            sp.GetRequiredService<ConnectionAttemptBudget>(),
            sp.GetRequiredService<LimitViolations>(),
            sp.GetRequiredService<FeedGate>(),
            sp.GetRequiredService<KlinePublisher>(),
            sp.GetRequiredService<SentUpdateCounts>(),
            sp.GetRequiredService<ClientCloses>(),
            sp.GetRequiredService<RestRequestCounts>()));
        services.AddSingleton<ControlMessageHandler>();
        services.AddSingleton<WebSocketSession>();
        services.AddHostedService<RandomWalkFeed>();
        return services;
    }
}
