using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

try
{
    var app = IngestorApplication.Build(args);
    await app.RunAsync();
    // exchangeInfo answered only after the start, and named a literal symbol it does not list: a startup error, late.
    return app.Services.GetRequiredService<FatalSymbolError>().Exception is { } late ? ReportInvalid(late.Failures) : 0;
}
catch (OptionsValidationException exception)
{
    return ReportInvalid(exception.Failures);
}

// A configuration mistake is the operator's to fix: say what is wrong, without a stack trace.
static int ReportInvalid(IEnumerable<string> failures)
{
    Console.Error.WriteLine("KlineAspire.Ingestor cannot start, the configuration is invalid:");
    foreach (var failure in failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 2;
}
