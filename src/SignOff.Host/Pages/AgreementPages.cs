using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Access;
using SignOff.Host.Commands;
using SignOff.Host.Pages.Shared;
using SignOff.Storage.Agreements;

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
    public sealed record Deps(AgreementCommands Commands, AgreementReadModel Store, PageRenderer Pages);

    public static void MapAgreementPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("/agreements").AddEndpointFilter<CoordinatorPageFilter>().ExcludeFromDescription().DisableAntiforgery();
        pages.MapGet("", ListAsync);
        pages.MapGet("/{agreementId}", (string agreementId, string? done, HttpContext http, Deps d, CancellationToken ct) =>
            AgreementPageAsync(http, d, agreementId, done, FormErrors.None, FormValues.Empty, null, StatusCodes.Status200OK, ct));
        pages.MapPost("/{agreementId}/reviews", ReviewAsync);
        pages.MapPost("/{agreementId}/notice", NoticeAsync);
        pages.MapPost("/{agreementId}/continuation", ContinuationAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, Deps d, CancellationToken ct)
    {
        var today = d.Commands.Today;
        var items = (await d.Store.LoadAllAsync(ct))
            .OrderBy(a => a.Status == AgreementStatus.InForce ? 0 : 1)
            .ThenBy(a => a.Agreement.Title, StringComparer.OrdinalIgnoreCase)
            .Select(a => new AgreementListItem(a.AgreementId, a.Agreement.Title, a.Agreement.Reference, a.Status, a.BoundParties.Count(), a.Current,
                AgreementDue.Of(a, today)))
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
        return await d.Pages.RenderAsync<AgreementPage>(http, new AgreementModel(agreement, today, AgreementDue.Of(agreement, today), history,
            done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, errors, values, errorForm), status);
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
    FormErrors Errors, FormValues Values, string? ErrorForm);
