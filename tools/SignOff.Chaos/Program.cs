using SignOff.Chaos;

// ./signoff chaos: see ChaosOptions.Usage and the README's "Chaos" section.
if (ChaosOptions.Parse(args) is not { } options)
{
    return args.Any(a => a is "-h" or "--help") ? 0 : 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(options.MaxMinutes));
using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

try
{
    return await new ChaosRun(options).RunAsync(interrupted.Token);
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    Console.WriteLine(timeout.IsCancellationRequested
        ? $"chaos: FAIL (the run did not finish within {options.MaxMinutes} minutes)"
        : "chaos: interrupted");
    return 1;
}
catch (InvalidOperationException ex)
{
    Console.WriteLine($"chaos: FAIL ({ex.Message})");
    return 1;
}
catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException or Azure.RequestFailedException)
{
    Console.WriteLine($"chaos: FAIL (the run itself broke: {ex})");
    return 1;
}
