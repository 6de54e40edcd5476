using SignOff.Bench;

if (BenchSettings.Parse(args, Console.Error) is not { } settings)
{
    return 2;
}

using var bench = new Bench(settings, Console.Out);
var figures = await bench.RunAsync(CancellationToken.None);
if (settings.Json)
{
    Console.WriteLine(Report.Json(figures));
}
else
{
    Console.WriteLine();
    Report.Print(figures, Console.Out);
}

return 0;
