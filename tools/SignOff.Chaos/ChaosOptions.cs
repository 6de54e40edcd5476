using System.Globalization;

namespace SignOff.Chaos;

/// <summary>What one chaos run does, from the command line.</summary>
internal sealed record ChaosOptions
{
    public const string Usage = """
        usage: SignOff.Chaos --storage CONNECTION --smtp-port PORT --maildev URL --host-dll PATH [options]
          --port N         the host's HTTP port (default 5380)
          --logs DIR       where each host generation's log and any mismatch are written (default .signoff/chaos)
          --kills N        SIGKILLs of the host during the load (default 20)
          --rounds N       rounds launched (default 12)
          --partners N     partners per round (default 5)
          --workers N      concurrent load workers (default 4)
          --seed N         seed for the run's random choices (default: random, printed); the
                           host's own timing still varies from run to run
          --max-ops N      operations the load may send at most (default 5000)
          --max-minutes N  the whole run is abandoned (and fails) after this long (default 15)
          --no-gate        give the host Azurite directly, so a restarted host's workers start before its
                           development clock is set (shows what a restart does to a Development host
                           whose clock was moved)
        Narrowing the scenario (each leaves out something the full run does):
          --no-launch-replay    do not send a launch again with its Idempotency-Key
          --distinct-rounds     no partner name shared between rounds, and no chair digests, so no two
                                rounds ever fire a timer with the same id on the same day
        Tightening it:
          --strict-emails       an email sent again because the host was killed between the SMTP send and
                                recording it done fails the run too. By default such a resend (same
                                Message-ID, a kill within two seconds after the first copy) is counted and
                                printed, as a repeated webhook delivery with the same webhook-id is: SMTP
                                gives no way to ask whether a message got through, so email is at least
                                once, deduplicated by Message-ID. Any other repeated email always fails.
        """;

    private static readonly string[] Required = ["storage", "smtp-port", "maildev", "host-dll"];
    private static readonly string[] Known = [.. Required, "port", "logs", "kills", "rounds", "partners", "workers", "seed", "max-ops", "max-minutes"];

    public required string Storage { get; init; }

    public required int SmtpPort { get; init; }

    public required string MailDev { get; init; }

    public required string HostDll { get; init; }

    public int Port { get; init; } = 5380;

    public string Logs { get; init; } = Path.Combine(".signoff", "chaos");

    public int Kills { get; init; } = 20;

    public int Rounds { get; init; } = 12;

    public int Partners { get; init; } = 5;

    public int Workers { get; init; } = 4;

    public int Seed { get; init; }

    public int MaxOperations { get; init; } = 5000;

    public int MaxMinutes { get; init; } = 15;

    public bool Gate { get; init; } = true;

    public bool LaunchReplay { get; init; } = true;

    public bool DistinctRounds { get; init; }

    public bool StrictEmails { get; init; }

    /// <summary>The options that narrow the scenario, as given (for the run's first line).</summary>
    public string Narrowed => string.Join(' ', new[]
    {
        Gate ? null : "--no-gate",
        LaunchReplay ? null : "--no-launch-replay",
        DistinctRounds ? "--distinct-rounds" : null,
        StrictEmails ? "--strict-emails" : null,
    }.Where(f => f is not null));

    /// <summary>Parses the command line; null (with the problem written to stderr) when it is not valid.</summary>
    public static ChaosOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--no-gate" or "--no-launch-replay" or "--distinct-rounds" or "--strict-emails")
            {
                flags.Add(name[2..]);
                continue;
            }

            if (name is "-h" or "--help")
            {
                Console.WriteLine(Usage);
                return null;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"chaos: unexpected argument '{name}'");
                Console.Error.WriteLine(Usage);
                return null;
            }

            values[name[2..]] = args[++i];
        }

        var missing = Required.FirstOrDefault(n => !values.ContainsKey(n));
        if (missing is not null)
        {
            Console.Error.WriteLine($"chaos: --{missing} is required");
            Console.Error.WriteLine(Usage);
            return null;
        }

        try
        {
            var options = new ChaosOptions
            {
                Storage = values["storage"],
                SmtpPort = Int(values, "smtp-port", 0),
                MailDev = values["maildev"].TrimEnd('/'),
                HostDll = Path.GetFullPath(values["host-dll"]),
                Port = Int(values, "port", 5380),
                Logs = Path.GetFullPath(values.GetValueOrDefault("logs", Path.Combine(".signoff", "chaos"))),
                Kills = Int(values, "kills", 20),
                Rounds = Int(values, "rounds", 12),
                Partners = Int(values, "partners", 5),
                Workers = Int(values, "workers", 4),
                Seed = Int(values, "seed", Random.Shared.Next(1, 1_000_000)),
                MaxOperations = Int(values, "max-ops", 5000),
                MaxMinutes = Int(values, "max-minutes", 15),
                Gate = !flags.Contains("no-gate"),
                LaunchReplay = !flags.Contains("no-launch-replay"),
                DistinctRounds = flags.Contains("distinct-rounds"),
                StrictEmails = flags.Contains("strict-emails"),
            };
            var unknown = values.Keys.Except(Known).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"chaos: unknown option --{unknown[0]}");
                Console.Error.WriteLine(Usage);
                return null;
            }

            if (options.Rounds < 1 || options.Partners < 1 || options.Workers < 1 || options.Kills < 0)
            {
                Console.Error.WriteLine("chaos: --rounds, --partners and --workers must be at least 1, --kills at least 0");
                return null;
            }

            if (!File.Exists(options.HostDll))
            {
                Console.Error.WriteLine($"chaos: the host is not built: {options.HostDll} does not exist");
                return null;
            }

            return options;
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"chaos: {ex.Message}");
            return null;
        }
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        !values.TryGetValue(name, out var text) ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new FormatException($"--{name} must be a whole number, not '{text}'");
}
