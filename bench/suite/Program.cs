using CrisisBot.Bench.Suite;

// Helpers of bench/run.sh (issue 8). Every command reads its options as "--name value"; see Suite.csproj for the list.
try
{
    return args.FirstOrDefault() switch
    {
        "issuer" => await Issuer.RunAsync(new Options(args[1..])),
        "check" => await Check.RunAsync(new Options(args[1..])),
        "coldstart" => await ColdStart.RunAsync(new Options(args[1..])),
        "report" => Report.Run(new Options(args[1..])),
        "gcprobe" => await GcProbe.RunAsync(new Options(args[1..])),
        _ => Usage(),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"suite: {ex.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Suite <command> [--option value …]
          issuer    --port P --out DIR --app-id GUID --tenant GUID
          check     --url URL[,URL…] --body FILE --card FILE [--token FILE [--token-urls URL,…]]
          coldstart --bot-dll FILE --port P --body FILE --runs N --out FILE [--warmup N] [--idle-seconds S] [--env K=V,K=V]
          report    --results DIR [--smoke --targets KEY,KEY…]
          gcprobe   --pid PID [--seconds S] [--label NAME] [--requests-from WRK_OUTPUT] [--out FILE]
        """);
    return 2;
}
