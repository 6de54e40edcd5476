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
    public const string Usage = """
        usage: ./signoff bench [--json] [--rounds 200] [--partners 20] [--concurrency 32]
                               [--baseline-ops 4000] [--digest-rounds 1000] [--idle-seconds 330]
        """;

    private static readonly string[] Numbers = ["--rounds", "--partners", "--concurrency", "--baseline-ops", "--digest-rounds", "--idle-seconds"];

    /// <summary>The settings, or null (with the problem and the usage written to <paramref name="errors"/>) when the command line is not valid.</summary>
    public static BenchSettings? Parse(string[] args, TextWriter errors)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json")
            {
                json = true;
                continue;
            }

            if (!Numbers.Contains(args[i]))
            {
                errors.WriteLine($"bench: unknown option '{args[i]}'");
                errors.WriteLine(Usage);
                return null;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                errors.WriteLine($"bench: {args[i]} needs a whole number of at least 1{(i + 1 < args.Length ? $", not '{args[i + 1]}'" : "")}");
                errors.WriteLine(Usage);
                return null;
            }

            values[args[i]] = n;
            i++;
        }

        int Number(string name, int fallback) => values.GetValueOrDefault(name, fallback);

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
            json);
    }
}
