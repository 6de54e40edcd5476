using SignOff.Core.Calendar;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Commands;

/// <summary>What a launch needs, read and checked: the definition's text (to launch it later exactly as previewed), the definition and the stored draft.</summary>
/// <param name="DefinitionText">The definition as uploaded.</param>
/// <param name="RosterText">The roster as uploaded, if any.</param>
/// <param name="Definition">The definition, parsed and valid.</param>
/// <param name="Draft">The draft, stored.</param>
public sealed record PreparedLaunch(string DefinitionText, string? RosterText, RoundDefinition Definition, DocumentRef Draft);

/// <summary>A round as it will run, before anything is sent.</summary>
/// <param name="Launch">What will be launched.</param>
/// <param name="Plan">The timetable <c>./signoff plan</c> computes: each partner's reminders, call-in and earliest authorisation.</param>
/// <param name="NonWorkingDates">The deadline and due dates that fall on a weekend or bank holiday.</param>
/// <param name="Duplicates">Rounds already launched for the same agreement with the same draft, not cancelled.</param>
public sealed record LaunchPreview(PreparedLaunch Launch, RoundPlan Plan, IReadOnlySet<DateOnly> NonWorkingDates, IReadOnlyList<RoundState> Duplicates)
{
    /// <summary>Partners whose governance cannot authorise by their due date (a meeting after it, a call-in ending after it).</summary>
    public IEnumerable<PartnerPlan> Late => Plan.Partners.Where(p => p.LateForDueDate);
}

/// <summary>
/// Shows a round as it will run before it is launched, and finds the round it would duplicate.
/// </summary>
/// <remarks>
/// A launch emails every officer at once; a mistake in it (a meeting after the deadline, the same
/// round launched twice) is paid for in emails that cannot be taken back. So the pages launch in two
/// steps: this preview, then the coordinator's confirmation, which must say so when it duplicates.
/// </remarks>
public sealed class LaunchPreviews(RoundCommands commands, RoundReadModel rounds, BankHolidays holidays, TimeProvider time)
{
    /// <summary>Reads, checks and stores the launch's files, and shows the round as it will run.</summary>
    public async Task<Checked<LaunchPreview>> PreviewAsync(Upload? definition, Upload? draft, Upload? roster, CancellationToken ct)
    {
        var prepared = await commands.PrepareLaunchAsync(definition, draft, roster, ct);
        if (prepared.FirstFailure is { } failure)
        {
            return failure;
        }

        // The round's own refusals (a deadline already passed, dates beyond the bank-holiday data) come before the plan, which could not be drawn.
        return commands.RefusalOf(prepared.Value) is { } refused ? refused : Checked.Valid(await PreviewAsync(prepared.Value, ct));
    }

    /// <summary>Checks a definition written out in full against a draft already stored, and shows the round as it will run: the round builder's check.</summary>
    public async Task<Checked<LaunchPreview>> PreviewAsync(string definitionText, string draftSha256, string draftFileName, CancellationToken ct)
    {
        var prepared = await commands.PrepareLaunchAsync(definitionText, null, draftSha256, draftFileName, ct);
        if (prepared.FirstFailure is { } failure)
        {
            return failure;
        }

        return commands.RefusalOf(prepared.Value) is { } refused ? refused : Checked.Valid(await PreviewAsync(prepared.Value, ct));
    }

    /// <summary>Shows a prepared launch as it will run.</summary>
    public async Task<LaunchPreview> PreviewAsync(PreparedLaunch launch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var definition = launch.Definition;
        var plan = RoundPlanner.Plan(definition, time.GetUtcNow(), holidays);
        var calendar = holidays.CalendarFor(definition.Calendar);
        var nonWorking = plan.Partners.Select(p => p.DueOn).Append(definition.Deadline)
            .Where(d => !calendar.IsWorkingDay(d))
            .ToHashSet();
        var duplicates = (await rounds.LoadAllAsync(ct))
            .Where(r => r.Status != RoundStatus.Cancelled
                && string.Equals(r.Agreement.Reference, definition.Agreement.Reference, StringComparison.OrdinalIgnoreCase)
                && r.Versions.Any(v => v.Document.Sha256 == launch.Draft.Sha256))
            .OrderBy(r => r.LaunchedOn)
            .ToList();
        return new LaunchPreview(launch, plan, nonWorking, duplicates);
    }
}
