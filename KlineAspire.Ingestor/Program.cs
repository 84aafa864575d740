using KlineAspire.Ingestor;
using KlineAspire.Ingestor.Subscriptions;
using Microsoft.Extensions.Options;

try
{
    var app = await IngestorApplication.BuildAsync(args);
    await IngestorApplication.RunAsync(app);
    return 0;
}
catch (OptionsValidationException exception)
{
    return ReportInvalid(exception.Failures);
}
catch (UnknownSymbolsException exception)
{
    // Before the start, or after it when exchangeInfo could first be read only then: the same mistake, the same report.
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
