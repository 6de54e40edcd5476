using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Access;
using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;
using SignOff.Storage.Agreements;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Pages;

/// <summary>
/// The coordinator's pages over the agreement register: the agreements in force with what is due
/// on each, and an agreement's page with its parties, its history and the acts the coordinator
/// records (a review's outcome, a party's notice, the partnership's view on carrying on).
/// </summary>
/// <remarks>
/// As the round pages: each POST runs one command through <see cref="AgreementCommands"/> (the
/// API's own), then redirects so a reload does not post again, or shows the page again with the
/// problem beside its field and nothing recorded.
/// </remarks>
public static class AgreementPages
{
    /// <summary>How many of an agreement's events its page tells: far more than an agreement makes in decades.</summary>
    private const int HistoryShown = 1000;

    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["review"] = "The review's outcome is recorded. The next review, if the cycle has one, is shown below.",
        ["notice"] = "The notice is recorded. The other parties, the chairs and you are told; the party stays bound until its notice ends.",
        ["continuation"] = "The partnership's view on carrying on is recorded.",
    };

    /// <summary>The services the pages use.</summary>
    public sealed record Deps(AgreementCommands Commands, AgreementRoundCommands Changes, AgreementReadModel Store, RoundReadModel Rounds, GovernanceRouteCatalog Routes,
        PageRenderer Pages);

    public static void MapAgreementPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/agreements").AddEndpointFilter<CoordinatorPageFilter>().ExcludeFromDescription().DisableAntiforgery();
        pages.MapGet("", ListAsync);
        pages.MapGet("/{agreementId}", (string agreementId, string? done, HttpContext http, Deps d, CancellationToken ct) =>
            AgreementPageAsync(http, d, agreementId, done, FormErrors.None, FormValues.Empty, null, StatusCodes.Status200OK, ct));
        pages.MapPost("/{agreementId}/reviews", ReviewAsync);
        pages.MapPost("/{agreementId}/notice", NoticeAsync);
        pages.MapPost("/{agreementId}/continuation", ContinuationAsync);
        pages.MapGet("/{agreementId}/variation", (string agreementId, HttpContext http, Deps d, CancellationToken ct) =>
            ChangePageAsync(http, d, agreementId, AgreementChangeKind.Variation, FormErrors.None, FormValues.Empty, StatusCodes.Status200OK, ct));
        pages.MapPost("/{agreementId}/variation", VariationAsync);
        pages.MapGet("/{agreementId}/accession", (string agreementId, HttpContext http, Deps d, CancellationToken ct) =>
            ChangePageAsync(http, d, agreementId, AgreementChangeKind.Accession, FormErrors.None, FormValues.Empty, StatusCodes.Status200OK, ct));
        pages.MapPost("/{agreementId}/accession", AccessionAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, Deps d, CancellationToken ct)
    {
        var today = d.Commands.Today;
        var rounds = await d.Rounds.LoadAllAsync(ct);
        var items = (await d.Store.LoadAllAsync(ct))
            .OrderBy(a => a.Status == AgreementStatus.InForce ? 0 : 1)
            .ThenBy(a => a.Agreement.Title, StringComparer.OrdinalIgnoreCase)
            .Select(a => new AgreementListItem(a.AgreementId, a.Agreement.Title, a.Agreement.Reference, a.Status, a.BoundParties.Count(), a.Current,
                AgreementDue.Of(a, today, VariationGoingRound(a, rounds))))
            .ToList();
        return await d.Pages.RenderAsync<AgreementsPage>(http, new AgreementsModel(items));
    }

    private static async Task<IResult> AgreementPageAsync(HttpContext http, Deps d, string agreementId, string? done, FormErrors errors, FormValues values, string? errorForm, int status,
        CancellationToken ct)
    {
        if (await d.Commands.LoadAsync(agreementId, ct) is not { } agreement)
        {
            return await NotFoundAsync(http, d);
        }

        var events = await d.Store.ReadEventsAsync(agreementId, 1, HistoryShown, ct);
        string Name(string id) => agreement.FindParty(id)?.Name ?? id;
        var history = AgreementTimeline.Tell(events.Select(e => e.Event), Name)
            .Select(line => new TimelineEntry(line.At, line.Text, line.By ?? "SignOff", line.Details))
            .Reverse() // newest first, as a round's timeline
            .ToList();
        var today = d.Commands.Today;
        var inFlight = AgreementRounds.InFlight(agreement, await d.Rounds.LoadAllAsync(ct)).OrderBy(r => r.LaunchedOn).ToList();
        return await d.Pages.RenderAsync<AgreementPage>(http, new AgreementModel(agreement, today, AgreementDue.Of(agreement, today, VariationGoingRound(agreement, inFlight)), history,
            done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, errors, values, errorForm) { InFlight = inFlight }, status);
    }

    private static async Task<IResult> ReviewAsync(string agreementId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var reviewedOn = Forms.Date(form, "reviewedOn", "date of the review", required: true);
        var outcome = InputReaders.ReviewOutcome(form["outcome"]);
        var failures = reviewedOn.Failures.ToList();
        if (outcome is null)
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.UnknownChoice, "Choose whether the review found no change or that a variation is needed", "outcome"));
        }

        var trigger = failures.Count == 0
            ? d.Commands.Review(Forms.TriggerId("page", $"{agreementId}/review", form), reviewedOn.Value, outcome!.Value, Forms.Text(form, "reviewNote"), Coordinators.Of(http))
            : null;
        return await RunAsync(http, d, agreementId, form, "review", trigger, failures, "reviewedOn", ct);
    }

    private static async Task<IResult> NoticeAsync(string agreementId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var party = Forms.Text(form, "party");
        var failures = new List<CommandFailure>();
        if (party is null)
        {
            failures.Add(new CommandFailure.Invalid(InputProblem.MissingDetail, "Choose the party that is giving notice", "party"));
        }

        var givenOn = Forms.Date(form, "givenOn", "date notice was given", required: true);
        failures.AddRange(givenOn.Failures);
        var trigger = failures.Count == 0
            ? d.Commands.Notice(Forms.TriggerId("page", $"{agreementId}/notice", form), party!, givenOn.Value, Forms.Text(form, "reason"), Coordinators.Of(http))
            : null;
        return await RunAsync(http, d, agreementId, form, "notice", trigger, failures, "givenOn", ct);
    }

    private static async Task<IResult> ContinuationAsync(string agreementId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var view = Forms.Text(form, "view");
        List<CommandFailure> failures = view is null
            ? [new CommandFailure.Invalid(InputProblem.MissingDetail, "Enter the partnership's view on carrying on: the parties are told what was decided", "view")]
            : [];
        var trigger = view is null ? null : AgreementCommands.Continuation(Forms.TriggerId("page", $"{agreementId}/continuation", form), view, Coordinators.Of(http));
        return await RunAsync(http, d, agreementId, form, "continuation", trigger, failures, null, ct);
    }

    /// <summary>
    /// Shows the form's problems (nothing recorded), or runs its trigger: back to the agreement with
    /// a confirmation, or the register's refusal beside the field it is about. A party or an
    /// agreement that is not there is the not-found page, as an unknown address is.
    /// </summary>
    private static async Task<IResult> RunAsync(HttpContext http, Deps d, string agreementId, IFormCollection form, string formName, AgreementTrigger? trigger,
        IReadOnlyList<CommandFailure> failures, string? dateField, CancellationToken ct)
    {
        if (trigger is null)
        {
            return await AgreementPageAsync(http, d, agreementId, null, Forms.Errors(failures), FormValues.From(form), formName, StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await d.Commands.RunAsync(agreementId, trigger, ct);
        if (result.Succeeded)
        {
            return Results.Redirect($"/agreements/{Uri.EscapeDataString(agreementId)}?done={formName}");
        }

        var answer = FailureAnswers.For(result.Failure!);
        return answer.Status == StatusCodes.Status404NotFound
            ? await NotFoundAsync(http, d)
            : await AgreementPageAsync(http, d, agreementId, null, Forms.From(result.Failure!, dateField), FormValues.From(form), formName, answer.Status, ct);
    }

    /// <summary>The page that launches a variation or an accession: who will be asked, what is already going round, and the form.</summary>
    private static async Task<IResult> ChangePageAsync(HttpContext http, Deps d, string agreementId, AgreementChangeKind kind, FormErrors errors, FormValues values, int status,
        CancellationToken ct)
    {
        if (await d.Commands.LoadAsync(agreementId, ct) is not { } agreement)
        {
            return await NotFoundAsync(http, d);
        }

        var rounds = await d.Rounds.LoadAllAsync(ct);
        var inFlight = AgreementRounds.InFlight(agreement, rounds).Where(r => r.ChangeOf!.Kind == kind).OrderBy(r => r.LaunchedOn).ToList();
        var routes = d.Routes.All.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => (r.Id, r.Name)).ToList();
        var routeTaken = AgreementRounds.BoundBy(agreement, rounds.ToDictionary(r => r.RoundId, StringComparer.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value.Route.Name, StringComparer.Ordinal);
        var model = new AgreementChangeModel(agreement, kind, inFlight, routes, d.Commands.Today, errors, values) { RouteTaken = routeTaken };
        return kind == AgreementChangeKind.Variation
            ? await d.Pages.RenderAsync<VariationPage>(http, model, status)
            : await d.Pages.RenderAsync<AccessionPage>(http, model, status);
    }

    private static async Task<IResult> VariationAsync(string agreementId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var result = await d.Changes.ProposeVariationAsync(agreementId, Upload.Of(form.Files["draft"]), Forms.DateText(form, "deadline"), AgreementRoundCommands.RoutesOf(form),
            Forms.TriggerId("page", $"{agreementId}/variation", form), Coordinators.Of(http), ct);
        return await LaunchedAsync(http, d, agreementId, AgreementChangeKind.Variation, form, result, ct);
    }

    private static async Task<IResult> AccessionAsync(string agreementId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var joiner = new JoinerInput(Forms.Text(form, "name"), Forms.Text(form, "officerName"), Forms.Text(form, "officerEmail"), Forms.Text(form, "route"),
            Forms.DateText(form, "meetingOn"), Forms.DateText(form, "deadline"));
        if (d.Changes.ReadJoiner(joiner) is { IsValid: false } invalid)
        {
            return await ChangePageAsync(http, d, agreementId, AgreementChangeKind.Accession, Forms.Errors(invalid.Failures), FormValues.From(form),
                StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await d.Changes.ProposeAccessionAsync(agreementId, joiner, Forms.TriggerId("page", $"{agreementId}/accession", form), Coordinators.Of(http), ct);
        return await LaunchedAsync(http, d, agreementId, AgreementChangeKind.Accession, form, result, ct);
    }

    /// <summary>To the new round's page, as a launch goes; or the form again with the problem at its field and nothing launched.</summary>
    private static async Task<IResult> LaunchedAsync(HttpContext http, Deps d, string agreementId, AgreementChangeKind kind, IFormCollection form, CommandResult result,
        CancellationToken ct)
    {
        if (result.State is { } round)
        {
            return Results.Redirect($"/rounds/{Uri.EscapeDataString(round.RoundId)}?done=launched");
        }

        var answer = FailureAnswers.For(result.Failure!);
        return answer.Status == StatusCodes.Status404NotFound && result.Failure is CommandFailure.NotFound
            ? await NotFoundAsync(http, d)
            : await ChangePageAsync(http, d, agreementId, kind, Forms.From(result.Failure!, "deadline"), FormValues.From(form), answer.Status, ct);
    }

    private static bool VariationGoingRound(AgreementState agreement, IEnumerable<RoundState> rounds) =>
        AgreementRounds.InFlight(agreement, rounds).Any(r => r.ChangeOf!.Kind == AgreementChangeKind.Variation);

    private static Task<IResult> NotFoundAsync(HttpContext http, Deps d) =>
        d.Pages.MessageAsync(http, "Page not found", ["There is no such agreement or party in the register. Check the address, or go back to the agreements."],
            StatusCodes.Status404NotFound, "/agreements", "Back to agreements");
}

/// <summary>The agreements view: every agreement in the register, in force first.</summary>
public sealed record AgreementsModel(IReadOnlyList<AgreementListItem> Agreements);

/// <summary>An agreement in the list, with what is due next on it.</summary>
/// <param name="AgreementId">The agreement's id.</param>
/// <param name="Title">Its title.</param>
/// <param name="Reference">Its reference.</param>
/// <param name="Status">In force or ended.</param>
/// <param name="PartiesBound">Parties bound now, those on notice included.</param>
/// <param name="Version">The version in force.</param>
/// <param name="Due">What is due next, what needs the coordinator first (<see cref="AgreementDue"/>).</param>
public sealed record AgreementListItem(string AgreementId, string Title, string Reference, AgreementStatus Status, int PartiesBound, EffectiveVersion Version, IReadOnlyList<DueItem> Due);

/// <summary>An agreement's page: where it stands, its parties, its history newest first, and the coordinator's forms.</summary>
public sealed record AgreementModel(AgreementState Agreement, DateOnly Today, IReadOnlyList<DueItem> Due, IReadOnlyList<TimelineEntry> History, string? Notice,
    FormErrors Errors, FormValues Values, string? ErrorForm)
{
    /// <summary>The variations and accessions launched on it that are still going round.</summary>
    public IReadOnlyList<RoundState> InFlight { get; init; } = [];
}

/// <summary>The page that launches a variation or an accession.</summary>
/// <param name="Agreement">The agreement as the register holds it.</param>
/// <param name="Kind">Which of the two.</param>
/// <param name="InFlight">Rounds of this kind on the agreement still going round.</param>
/// <param name="Routes">The governance routes a joiner may take, by id and name.</param>
/// <param name="Today">Today in London.</param>
/// <param name="Errors">Problems at their fields.</param>
/// <param name="Values">What was typed.</param>
public sealed record AgreementChangeModel(AgreementState Agreement, AgreementChangeKind Kind, IReadOnlyList<RoundState> InFlight, IReadOnlyList<(string Value, string Label)> Routes,
    DateOnly Today, FormErrors Errors, FormValues Values)
{
    /// <summary>The route each party took for the agreement, by party id: a variation takes it again unless the coordinator names another.</summary>
    public IReadOnlyDictionary<string, string> RouteTaken { get; init; } = new Dictionary<string, string>();
}
