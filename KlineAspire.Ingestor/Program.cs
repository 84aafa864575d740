using KlineAspire.Ingestor;

IngestorApplication.Build(args).Run();
