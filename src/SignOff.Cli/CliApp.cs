using System.Globalization;
using System.Text.Json;
using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;

namespace SignOff.Cli;

/// <summary>
/// The command-line edge over the pure engine: reads files, reads the clock, prints.
/// </summary>
public static class CliApp
{
    /// <summary>The round's own JSON (<see cref="RoundJson.Options"/>), indented for a person at a terminal.</summary>
    private static readonly JsonSerializerOptions Json = new(RoundJson.Options) { WriteIndented = true };

    /// <summary>Runs a command; returns the process exit code (0 ok, 1 invalid input, 2 usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, TimeProvider clock)
    {
        var options = CliOptions.Parse(args);
        if (options.Error is not null)
        {
            await errors.WriteLineAsync($"signoff: {options.Error}");
            return 2;
        }

        try
        {
            return options.Command switch
            {
                "plan" => await PlanAsync(options, output, errors, clock),
                "demo" => await DemoAsync(options, output, errors),
                "holidays" => await HolidayRefresh.RunAsync(options.File ?? HolidayRefresh.OfficialSource,
                    options.Out ?? Path.Combine(options.Workflows, "..", ".signoff", "bank-holidays.json"), output, errors),
                _ => await UsageAsync(errors),
            };
        }
        catch (IOException ex)
        {
            await errors.WriteLineAsync($"signoff: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> UsageAsync(TextWriter errors)
    {
        await errors.WriteLineAsync("usage: signoff-cli plan FILE [--json] [--launch YYYY-MM-DD] [--roster FILE.csv] [--workflows DIR]");
        await errors.WriteLineAsync("       signoff-cli demo FILE [--workflows DIR]");
        await errors.WriteLineAsync("       signoff-cli holidays [URL] [--out FILE]   refresh bank holidays from gov.uk (or URL)");
        return 2;
    }

    private static async Task<int> PlanAsync(CliOptions options, TextWriter output, TextWriter errors, TimeProvider clock)
    {
        var (launchAt, note) = options.Launch is { } day
            ? (LondonTime.At(day, new TimeOnly(12, 0)), null)
            : await LaunchFromTimelineAsync(options, clock.GetUtcNow());
        var definition = await LoadAsync(options, LondonTime.DateOf(launchAt), errors);
        if (definition is null)
        {
            return 1;
        }

        var plan = RoundPlanner.Plan(definition, launchAt, BankHolidays.Embedded);
        if (options.Json)
        {
            // The note goes beside the JSON, never into it, so a machine reading stdout still parses it.
            if (note is not null)
            {
                await errors.WriteLineAsync(note);
            }

            await output.WriteLineAsync(JsonSerializer.Serialize(plan, Json));
        }
        else
        {
            await output.WriteLineAsync(PlanTable.Render(plan, note));
        }

        return 0;
    }

    /// <summary>
    /// Launch now, unless the definition's deadline has already passed: then launch where
    /// <see cref="ReplayLaunch"/> says, with a note saying so.
    /// </summary>
    private static async Task<(DateTimeOffset LaunchAt, string? Note)> LaunchFromTimelineAsync(CliOptions options, DateTimeOffset now)
    {
        var today = LondonTime.DateOf(now);
        var definition = await LoadAsync(options, DateOnly.MinValue, TextWriter.Null);
        if (definition is null || definition.Deadline >= today)
        {
            return (now, null);
        }

        var launchOn = ReplayLaunch.For(definition, BankHolidays.Embedded);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"Note: the deadline has passed, so this plans the round as if launched {ReplayLaunch.WorkingDaysBeforeFirstDate} working days")
            + $"{Environment.NewLine}      before its first meeting or due date. Choose the launch date with --launch YYYY-MM-DD.";
        return (LondonTime.At(launchOn, new TimeOnly(12, 0)), note);
    }

    private static async Task<int> DemoAsync(CliOptions options, TextWriter output, TextWriter errors)
    {
        // Any launch date will do to read the definition: the demonstration replays it from its own timeline.
        var definition = await LoadAsync(options, DateOnly.MinValue, errors);
        if (definition is null)
        {
            return 1;
        }

        await new RoundDemo(definition, output).RunAsync();
        return 0;
    }

    private static async Task<RoundDefinition?> LoadAsync(CliOptions options, DateOnly launchDate, TextWriter errors)
    {
        var text = await File.ReadAllTextAsync(options.File!);
        var result = DefinitionFiles.Parse(text, launchDate, options);
        await WriteProblemsAsync(errors, options.File!, result.Problems);
        return result.Definition;
    }

    private static async Task WriteProblemsAsync(TextWriter errors, string file, IEnumerable<DefinitionProblem> problems)
    {
        foreach (var problem in problems)
        {
            await errors.WriteLineAsync($"{file}: {problem}");
        }
    }
}

/// <summary>Command-line options.</summary>
internal sealed record CliOptions(string? Command, string? File, bool Json, DateOnly? Launch, string? Roster, string Workflows, string? Error, string? Out = null)
{
    public static CliOptions Parse(string[] args)
    {
        string? command = null, file = null, roster = null, error = null, output = null;
        string workflows = Path.Combine(AppContext.BaseDirectory, "workflows");
        var json = false;
        DateOnly? launch = null;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--launch":
                    var value = Next();
                    if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    {
                        launch = d;
                    }
                    else
                    {
                        error = $"--launch needs a date as YYYY-MM-DD, not '{value}'";
                    }

                    break;
                case "--roster":
                    roster = Next() ?? "";
                    break;
                case "--out":
                    output = Next();
                    break;
                case "--workflows":
                    workflows = Next() ?? workflows;
                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal))
                    {
                        error = $"unknown option {args[i]}";
                    }
                    else if (command is null)
                    {
                        command = args[i];
                    }
                    else if (file is null)
                    {
                        file = args[i];
                    }
                    else
                    {
                        error = $"unexpected argument '{args[i]}'";
                    }

                    break;
            }
        }

        if (error is null && command is "plan" or "demo" && file is null)
        {
            error = $"{command} needs a round definition file";
        }
        else if (error is null && command is "plan" or "demo" && file is not null && !System.IO.File.Exists(file))
        {
            error = $"no such file: {file}";
        }
        else if (error is null && roster is not null && !System.IO.File.Exists(roster))
        {
            error = $"no such roster file: {roster}";
        }

        return new CliOptions(command, file, json, launch, roster, workflows, error, output);
    }
}
