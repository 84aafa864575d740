using KlineAspire.Ingestor;
using Microsoft.Extensions.Options;

try
{
    await IngestorApplication.Build(args).RunAsync();
    return 0;
}
catch (OptionsValidationException exception)
{
    // A configuration mistake is the operator's to fix: say what is wrong, without a stack trace.
    Console.Error.WriteLine("KlineAspire.Ingestor cannot start, the configuration is invalid:");
    foreach (var failure in exception.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 2;
}
