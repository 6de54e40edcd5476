using System.Globalization;

namespace SignOff.Bench;

/// <summary>What to run and against what; from the command line and the environment <c>./signoff bench</c> sets.</summary>
public sealed record BenchSettings(
    string Storage,
    string SmtpPort,
    string Root,
    int Rounds,
    int Partners,
    int Concurrency,
    int BaselineOps,
    int DigestRounds,
    int IdleSeconds,
    bool Json)
{
    public static BenchSettings Parse(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new BenchSettings(
            Environment.GetEnvironmentVariable("SIGNOFF_BENCH_STORAGE") ?? throw new InvalidOperationException("Run the benchmark with ./signoff bench, which starts Azurite (SIGNOFF_BENCH_STORAGE)."),
            Environment.GetEnvironmentVariable("SIGNOFF_BENCH_SMTP_PORT") ?? "1025",
            Environment.GetEnvironmentVariable("SIGNOFF_BENCH_ROOT") ?? Directory.GetCurrentDirectory(),
            Number("--rounds", 200),
            Number("--partners", 20),
            Number("--concurrency", 32),
            Number("--baseline-ops", 4000),
            Number("--digest-rounds", 1000),
            Number("--idle-seconds", 330),
            args.Contains("--json"));
    }
}
