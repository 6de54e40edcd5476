using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Commands;

/// <summary>What a coordinator says about an organisation asked to join an agreement.</summary>
/// <param name="Name">The organisation.</param>
/// <param name="OfficerName">Its officer.</param>
/// <param name="OfficerEmail">The officer's email.</param>
/// <param name="Route">Its governance route's id.</param>
/// <param name="MeetingOn">Its deciding meeting, when known (as typed).</param>
/// <param name="Deadline">The accession round's deadline (as typed).</param>
public sealed record JoinerInput(string? Name, string? OfficerName, string? OfficerEmail, string? Route, string? MeetingOn, string? Deadline);

/// <summary>
/// Launches the rounds that change an agreement in force — a variation to every party, an
/// accession for one organisation — from the register, for the API and the pages alike.
/// </summary>
/// <remarks>
/// The register plans the round (<see cref="AgreementRounds"/>: who is asked, through which route,
/// which draft) from the agreement and its rounds as they stand; this loads them, checks the input,
/// and starts the round through <see cref="RoundCommands"/> like any other launch, so the round is
/// then an ordinary round (reminders, decisions, counterparts) that tells the register what its
/// counterparts did when it takes effect. A varied draft is stored only once the plan and the round
/// would accept it. The round id derives from the trigger id, so a retried request names the same
/// round and is answered as already launched, not refused as a second variation.
/// </remarks>
public sealed class AgreementRoundCommands(IAgreementEngine register, IRoundEngine rounds, RoundReadModel roundStore, RoundCommands commands)
{
    private const string RoutePrefix = "route-";

    /// <summary>The form field (and multipart part) that names another route for a party's decision on a variation.</summary>
    public static string RouteField(string partyId) => RoutePrefix + partyId;

    /// <summary>The parties a variation goes to by another route, from a form or a multipart body: <c>route-{partyId}</c> with a route id; an empty one keeps the party's route.</summary>
    public static Dictionary<string, string> RoutesOf(IFormCollection form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return form.Keys.Where(k => k.StartsWith(RoutePrefix, StringComparison.Ordinal) && form[k].ToString().Trim().Length > 0)
            .ToDictionary(k => k[RoutePrefix.Length..], k => form[k].ToString().Trim(), StringComparer.Ordinal);
    }

    /// <summary>Circulates a varied draft to every party bound by the agreement.</summary>
    /// <param name="agreementId">The agreement.</param>
    /// <param name="draft">The varied draft.</param>
    /// <param name="deadline">The round's deadline, as typed.</param>
    /// <param name="routes">Route ids by party id, for parties that decide the variation by another route than the agreement (others keep theirs).</param>
    /// <param name="triggerId">The request's id: the same request names the same round.</param>
    /// <param name="by">Who launches it.</param>
    /// <param name="ct">Cancels the work.</param>
    public async Task<CommandResult> ProposeVariationAsync(string agreementId, Upload? draft, string? deadline, IReadOnlyDictionary<string, string> routes, string triggerId, Actor by,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var due = InputReaders.Date(deadline, "deadline", "variation round's deadline", required: true);
        if (due.FirstFailure is { } badDate)
        {
            return badDate;
        }

        if (draft is null)
        {
            return new CommandFailure.Invalid(InputProblem.MissingFile, "Choose the varied draft (a PDF or Word file).", "draft");
        }

        var loaded = await LoadAsync(agreementId, ct);
        if (loaded.FirstFailure is { } missing)
        {
            return missing;
        }

        var (agreement, original) = loaded.Value;
        var chosen = new Dictionary<string, GovernanceRoute>(StringComparer.Ordinal);
        foreach (var (partyId, routeId) in routes)
        {
            if (agreement.FindParty(partyId) is not { IsBound: true })
            {
                return new CommandFailure.Invalid(InputProblem.UnknownChoice, $"'{partyId}' is not a party bound by {agreement.Agreement.Title}.", RouteField(partyId));
            }

            if (!commands.Routes.TryGet(routeId, out var route))
            {
                return new CommandFailure.Invalid(InputProblem.UnknownRoute,
                    $"Unknown governance route '{routeId}'; known routes are: {string.Join(", ", commands.Routes.Ids)}.", RouteField(partyId));
            }

            chosen[partyId] = route;
        }

        var document = await commands.CheckDocumentAsync(draft, "draft", ct);
        if (document.FirstFailure is { } badFile)
        {
            return badFile;
        }

        var joinedBy = new Dictionary<string, RoundState>(StringComparer.Ordinal) { [original.RoundId] = original };
        foreach (var roundId in agreement.BoundParties.Select(p => p.JoinedBy).Distinct().Where(id => !joinedBy.ContainsKey(id)))
        {
            if (await rounds.LoadAsync(roundId, ct) is { } round)
            {
                joinedBy[roundId] = round;
            }
        }

        var boundBy = AgreementRounds.BoundBy(agreement, joinedBy);
        var variationId = RoundIdFor(agreement, triggerId);
        var plan = AgreementRounds.Variation(agreement, original, boundBy, await OtherRoundsAsync(variationId, ct), document.Value.Ref, due.Value!.Value, chosen);
        return await StartAsync(plan, variationId, triggerId, by, document.Value, ct);
    }

    /// <summary>Reads what a coordinator says of a joining organisation: the organisation, its officer and route, its meeting, the deadline; every problem at once.</summary>
    public Checked<(PartnerDefinition Joiner, DateOnly Deadline)> ReadJoiner(JoinerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var meeting = InputReaders.Date(input.MeetingOn, "meetingOn", "date of its deciding meeting", required: false);
        var due = InputReaders.Date(input.Deadline, "deadline", "accession round's deadline", required: true);
        var joiner = commands.NewPartner(input.Name, input.OfficerName, input.OfficerEmail, input.Route, meeting.IsValid ? meeting.Value : null, null);
        var failures = joiner.Failures.Concat(meeting.Failures).Concat(due.Failures).ToList();
        return failures.Count > 0 ? Checked.Invalid<(PartnerDefinition, DateOnly)>(failures) : Checked.Valid((joiner.Value, due.Value!.Value));
    }

    /// <summary>Asks one organisation to join the agreement: its governance, then its counterpart of the version in force.</summary>
    public async Task<CommandResult> ProposeAccessionAsync(string agreementId, JoinerInput input, string triggerId, Actor by, CancellationToken ct)
    {
        var read = ReadJoiner(input);
        if (read.FirstFailure is { } invalid)
        {
            return invalid;
        }

        var loaded = await LoadAsync(agreementId, ct);
        if (loaded.FirstFailure is { } missing)
        {
            return missing;
        }

        var (agreement, original) = loaded.Value;
        var roundId = RoundIdFor(agreement, triggerId);
        var plan = AgreementRounds.Accession(agreement, original, await OtherRoundsAsync(roundId, ct), read.Value.Joiner, read.Value.Deadline);
        return await StartAsync(plan, roundId, triggerId, by, null, ct);
    }

    private async Task<CommandResult> StartAsync(AgreementRoundPlan plan, string roundId, string triggerId, Actor by, CheckedDocument? upload, CancellationToken ct)
    {
        switch (plan)
        {
            case AgreementRoundPlan.Refused refused:
                return new CommandFailure.RegisterRefused(refused.Code, refused.Message);
            case AgreementRoundPlan.Ready ready:
                var start = new StartRound(triggerId, roundId, ready.Definition, ready.Draft, by, ready.Change);

                // Decided once, before anything is stored: a refused launch stores nothing.
                if (commands.RefusalOf(start) is { } refusal)
                {
                    return refusal;
                }

                if (upload is not null)
                {
                    await commands.StoreAsync(upload, ct);
                }

                return await commands.RunAsync(start.RoundId, start, ct);
            default:
                throw new InvalidOperationException($"Unknown plan {plan.GetType().Name}.");
        }
    }

    private async Task<Checked<(AgreementState Agreement, RoundState Original)>> LoadAsync(string agreementId, CancellationToken ct)
    {
        if (await register.LoadAsync(agreementId, ct) is not { } agreement)
        {
            return new CommandFailure.NotFound($"There is no agreement '{agreementId}' in the register.");
        }

        // The agreement's id is the id of the round that made it.
        if (await rounds.LoadAsync(agreementId, ct) is not { } original)
        {
            return new CommandFailure.RegisterRefused(AgreementRejectionCode.MissingDetail, $"The round that made {agreement.Agreement.Title} is not held.");
        }

        return Checked.Valid((agreement, original));
    }

    /// <summary>The new round's id: from the agreement and the request, so the same request names the same round and the same key on another agreement does not.</summary>
    private static string RoundIdFor(AgreementState agreement, string triggerId) => RoundCommands.RoundIdFor(agreement.Agreement.Reference, $"{agreement.AgreementId}/{triggerId}");

    /// <summary>The rounds as the read side holds them, but for the one this request would launch (a retry finds it there).</summary>
    private async Task<IEnumerable<RoundState>> OtherRoundsAsync(string roundId, CancellationToken ct) =>
        (await roundStore.LoadAllAsync(ct)).Where(r => r.RoundId != roundId);
}
