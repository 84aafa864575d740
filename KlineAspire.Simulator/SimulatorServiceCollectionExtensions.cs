using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddSingleton<BinanceSimulator>();
        services.AddSingleton(sp => sp.GetRequiredService<BinanceSimulator>().Options);
        services.AddSingleton(sp => sp.GetRequiredService<BinanceSimulator>().Faults);
        services.AddSingleton<ControlMessageHandler>();
        services.AddSingleton<WebSocketSession>();
        services.AddHostedService<RandomWalkFeed>();
        return services;
    }
}
