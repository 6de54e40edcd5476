using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Documents;
using SignOff.Host.Pages.Shared;
using SignOff.Storage.Blobs;
using SignOff.Storage.Rounds;
using SignOff.Host.Access;

namespace SignOff.Host.Pages;

/// <summary>
/// The coordinator's pages: rounds, launch, a round's partners and timeline, and every action on
/// them. Each POST runs one command and then redirects (so a reload does not post again), or
/// shows the same page again with the problem beside the field.
/// </summary>
public static class CoordinatorPages
{
    private static readonly Dictionary<string, string> Notices = new(StringComparer.Ordinal)
    {
        ["launched"] = "The round is launched. Invitations are on their way to every partner's officer.",
        ["revised"] = "The revised draft is circulating. Every partner has been told what changed.",
        ["partner-added"] = "The partner has been added and its officer invited.",
        ["cancelled"] = "The round is cancelled. Every partner and the chairs have been told.",
        ["conditions-accepted"] = "The conditions are accepted. The partner has been told.",
        ["conditions-rejected"] = "The conditions are rejected. The partner has been asked to decide again.",
        ["decision"] = "The decision is recorded, with its evidence.",
        ["decision-corrected"] = "The decision is corrected; the original stays in the timeline. The officer and the chairs have been told.",
        ["called-in"] = "The call-in is recorded. No counterpart is asked for until its outcome is recorded.",
        ["call-in-resolved"] = "The call-in's outcome is recorded. The officer and the chairs have been told.",
        ["counterpart"] = "The counterpart is recorded.",
        ["counterpart-accepted"] = "The counterpart is accepted: it counts.",
        ["counterpart-rejected"] = "The counterpart is rejected. The partner has been asked for another, with your reason.",
        ["delegated"] = "The new officer has been sent their own link; earlier links no longer work.",
        ["invitation-resent"] = "The invitation has been sent again, with a fresh link.",
        ["dates-changed"] = "The dates are changed. The officer has been told, and reminders follow the new dates.",
        ["removed"] = "The partner has been removed from the round.",
        ["withdrawn"] = "The withdrawal is recorded. The other partners carry on.",
    };

    /// <summary>The services the pages use.</summary>
    public sealed record Deps(RoundCommands Commands, IRoundEngine Engine, RoundReadModel Store, BlobDocumentStore Documents, PageRenderer Pages, TimeProvider Time,
        LaunchPreviews Launches, OfficerLinks Links);

    public static void MapCoordinatorPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/rounds")).ExcludeFromDescription();
        var pages = app.MapGroup("").AddEndpointFilter<CoordinatorPageFilter>().ExcludeFromDescription().DisableAntiforgery();
        pages.MapGet("/rounds", ListAsync);
        pages.MapGet("/rounds/new", (HttpContext http, Deps d) => LaunchPageAsync(http, d, FormErrors.None, [], StatusCodes.Status200OK));
        pages.MapPost("/rounds/new", PreviewAsync);
        pages.MapPost("/rounds/new/confirm", ConfirmLaunchAsync);
        pages.MapRoundBuilder();
        pages.MapGet("/rounds/{roundId}", (string roundId, string? done, HttpContext http, Deps d, CancellationToken ct) =>
            RoundPageAsync(http, d, roundId, done, FormErrors.None, FormValues.Empty, null, StatusCodes.Status200OK, ct));
        pages.MapGet("/rounds/{roundId}/partners/{partnerId}", (string roundId, string partnerId, string? done, HttpContext http, Deps d, CancellationToken ct) =>
        {
            // A "Change" link from checking a decision brings its answers back, with the form open.
            var changing = FormValues.FromChangeLink(http.Request.Query);
            return PartnerPageAsync(http, d, roundId, partnerId, done, FormErrors.None, changing, changing.Any ? "decision" : null, StatusCodes.Status200OK, ct);
        });
        pages.MapGet("/rounds/{roundId}/documents/{sha256}", DocumentAsync);
        pages.MapGet("/rounds/{roundId}/completion-pack", CompletionPackAsync);
        pages.MapPost("/rounds/{roundId}/revise", ReviseAsync);
        pages.MapPost("/rounds/{roundId}/partners", AddPartnerAsync);
        pages.MapPost("/rounds/{roundId}/cancel", CancelAsync);
        pages.MapPost("/rounds/{roundId}/partners/{partnerId}/{**action}", PartnerActionAsync);
        pages.MapGet("/digest", async (HttpContext http, Deps d, CancellationToken ct) =>
        {
            var rounds = await LoadAllAsync(d.Store, ct);
            var today = d.Commands.Today;
            return await d.Pages.RenderAsync<DigestPage>(http, new DigestModel("the coordinator", [.. rounds.Where(r => !r.IsClosed).Select(r => RoundDigest.Of(r, today))], today, Coordinator: true));
        });
    }

    /// <summary>Every round, loaded: for the digest pages. (A round's headline row lacks its partners.)</summary>
    public static async Task<IReadOnlyList<RoundState>> LoadAllAsync(RoundReadModel store, CancellationToken ct) =>
        [.. (await store.LoadAllAsync(ct)).OrderBy(s => s.Deadline).ThenBy(s => s.Agreement.Title, StringComparer.Ordinal)];

    private static async Task<IResult> ListAsync(string? status, HttpContext http, Deps d, CancellationToken ct)
    {
        var wanted = status is "circulating" or "stalled" or "effective" or "cancelled" ? status : null;
        var rounds = await LoadAllAsync(d.Store, ct);
        var today = d.Commands.Today;
        var items = rounds.Where(r => wanted is null || RoundProcess.Kebab(r.Status) == wanted)
            .OrderByDescending(r => r.LaunchedOn).ThenBy(r => r.Agreement.Title, StringComparer.Ordinal)
            .Select(r => new RoundListItem(r.RoundId, r.Agreement.Title, r.Agreement.Reference, r.Status, r.Deadline,
                r.RemainingPartners.Count(p => p.Status == PartnerStatus.Signed), r.RemainingPartners.Count(), r.LaunchedOn, RoundAttention.Of(r, today), r.ChangeOf?.Kind))
            .ToList();
        return await d.Pages.RenderAsync<RoundsPage>(http, new RoundsModel(items, wanted));
    }

    private static Task<IResult> LaunchPageAsync(HttpContext http, Deps d, FormErrors errors, IReadOnlyList<Core.Definitions.DefinitionProblem> problems, int status, string? definitionText = null) =>
        d.Pages.RenderAsync<LaunchPage>(http, new LaunchModel(errors, problems, [.. d.Commands.Routes.Ids], definitionText), status);

    /// <summary>Reads and checks the files and shows the round as it will run; nothing is sent until it is confirmed.</summary>
    private static async Task<IResult> PreviewAsync(HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var preview = await d.Launches.PreviewAsync(Upload.Of(form.Files["definition"]), Upload.Of(form.Files["draft"]), Upload.Of(form.Files["roster"]), ct);
        return preview.FirstFailure is { } failure
            ? await LaunchRefusedAsync(http, d, failure, failure is CommandFailure.DefinitionInvalid ? await TextOfAsync(form.Files["definition"], ct) : null)
            : await d.Pages.RenderAsync<LaunchPreviewPage>(http, new LaunchPreviewModel(preview.Value, FormErrors.None));
    }

    /// <summary>An uploaded definition's text, read again to name the partners its problems are about; null when there is none.</summary>
    private static async Task<string?> TextOfAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length > RoundCommands.MaxDefinitionBytes)
        {
            return null;
        }

        using var reader = new StreamReader(file.OpenReadStream(), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>Launches what the preview showed: the same texts, the draft already stored; a duplicate only when the coordinator said so.</summary>
    private static async Task<IResult> ConfirmLaunchAsync(HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var prepared = await d.Commands.PrepareLaunchAsync(form["definitionText"].ToString(), form.ContainsKey("rosterText") ? form["rosterText"].ToString() : null,
            form["draftSha256"].ToString(), form["draftFileName"].ToString(), ct);
        if (prepared.FirstFailure is { } invalid)
        {
            return await LaunchRefusedAsync(http, d, invalid, form["definitionText"].ToString());
        }

        var built = form["built"] == "yes";
        var triggerId = Forms.TriggerId("page", "launch", form);
        var preview = await d.Launches.PreviewAsync(prepared.Value, ct);
        var again = preview.Duplicates.Where(r => r.ProcessedTriggers.Contains(triggerId)).ToList();
        if (again.Count > 0)
        {
            // This very confirmation, sent again (a double click, a resubmitted page): the round it launched.
            return Results.Redirect($"/rounds/{again[0].RoundId}?done=launched");
        }

        if (preview.Duplicates.Count > 0 && form["duplicate"] != "yes")
        {
            return await d.Pages.RenderAsync<LaunchPreviewPage>(http, new LaunchPreviewModel(preview,
                FormErrors.Of("duplicate", $"Confirm that you want a second round for {prepared.Value.Definition.Agreement.Reference}, or go to the one already launched"), built),
                StatusCodes.Status409Conflict);
        }

        var result = await d.Commands.StartAsync(prepared.Value, triggerId, Coordinators.Of(http), ct);
        return result.State is { } state
            ? Results.Redirect($"/rounds/{state.RoundId}?done=launched")
            : await LaunchRefusedAsync(http, d, result.Failure!, form["definitionText"].ToString());
    }

    private static async Task<IResult> LaunchRefusedAsync(HttpContext http, Deps d, CommandFailure failure, string? definitionText = null)
    {
        var status = FailureAnswers.For(failure).Status;
        if (failure is CommandFailure.DefinitionInvalid { Result: var definition })
        {
            var count = definition.Errors.Count();
            var message = count == 1 ? "The round definition has a problem" : $"The round definition has {count} problems";
            return await LaunchPageAsync(http, d, FormErrors.Of(failure.Field ?? "definition", message), [.. definition.Errors], status, definitionText);
        }

        return await LaunchPageAsync(http, d, Forms.From(failure), [], status);
    }

    private static async Task<IResult> RoundPageAsync(HttpContext http, Deps d, string roundId, string? done, FormErrors errors, FormValues values, string? errorForm, int status, CancellationToken ct)
    {
        if (await d.Engine.LoadAsync(roundId, ct) is not { } stored)
        {
            return await NotFoundAsync(http, d);
        }

        var state = stored;
        var timeline = await TimelineAsync(d.Store, state, null, ct);
        return await d.Pages.RenderAsync<RoundPage>(http, new RoundModel(state, d.Commands.Today, timeline, [.. d.Commands.Routes.Ids],
            done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, errors, values, errorForm), status);
    }

    private static async Task<IResult> PartnerPageAsync(HttpContext http, Deps d, string roundId, string partnerId, string? done, FormErrors errors, FormValues values, string? errorForm, int status, CancellationToken ct,
        IssuedLink? link = null)
    {
        if (await d.Engine.LoadAsync(roundId, ct) is not { } stored || stored.FindPartner(partnerId) is not { } partner)
        {
            return await NotFoundAsync(http, d);
        }

        var timeline = await TimelineAsync(d.Store, stored, partnerId, ct);
        if (link is not null)
        {
            // The page shows a credential: no cache, no proxy, no back button keeps it.
            http.Response.Headers.CacheControl = "no-store";
        }

        return await d.Pages.RenderAsync<PartnerPage>(http, new PartnerModel(stored, partner, d.Commands.Today, timeline,
            done is not null && Notices.TryGetValue(done, out var notice) ? notice : null, errors, values, errorForm, link), status);
    }

    /// <summary>The latest entries of a round's (or one partner's) timeline, newest first.</summary>
    private static async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(RoundReadModel store, RoundState state, string? partnerId, CancellationToken ct)
    {
        const int window = 1000;
        await store.CatchUpAsync(state.RoundId, state.EventCount, TimeSpan.FromSeconds(5), ct);
        var events = await store.ReadEventsAsync(state.RoundId, Math.Max(1, state.EventCount - window + 1), window, ct);
        string Name(string id) => state.FindPartner(id)?.Name ?? id;
        return [.. RoundTimeline.Tell(events.Select(e => e.Event).Where(e => partnerId is null || RoundTimeline.Concerns(e, partnerId)), Name)
            .Select(line => new TimelineEntry(line.At, line.Text, line.By ?? "SignOff", line.Details))
            .Reverse()
            .Take(100)];
    }

    private static async Task<IResult> DocumentAsync(string roundId, string sha256, HttpContext http, Deps d, CancellationToken ct)
    {
        var stored = await d.Engine.LoadAsync(roundId, ct);
        var name = stored?.FindDocument(sha256)?.FileName;
        if (name is null || await d.Documents.OpenAsync(sha256, ct) is not { } doc)
        {
            return await NotFoundAsync(http, d);
        }

        PageResult.SecurityHeaders(http.Response);
        return Results.Stream(doc.Content, doc.ContentType, name);
    }

    private static async Task<IResult> CompletionPackAsync(string roundId, HttpContext http, Deps d, CancellationToken ct)
    {
        if (await d.Engine.LoadAsync(roundId, ct) is not { } stored)
        {
            return await NotFoundAsync(http, d);
        }

        PageResult.SecurityHeaders(http.Response);
        return Results.File(await CompletionPack.RenderAsync(stored, d.Time.GetUtcNow(), d.Documents, ct), "application/pdf", CompletionPack.FileName(stored));
    }

    private static async Task<IResult> ReviseAsync(string roundId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var kind = InputReaders.RevisionKind(form["kind"].ToString());
        var errors = new List<FieldError>();
        if (form.Files["draft"] is not { Length: > 0 })
        {
            errors.Add(new("draft", "Choose the revised draft (a PDF or Word file)"));
        }

        if (kind is null)
        {
            errors.Add(new("kind", "Choose whether the revision is minor or material"));
        }

        if (errors.Count > 0)
        {
            return await RoundPageAsync(http, d, roundId, null, new FormErrors(errors), FormValues.From(form), "revise", StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await d.Commands.RunWithDocumentAsync(roundId, Upload.Of(form.Files["draft"]), "draft",
            (doc, _) => new ReviseDraft(Forms.TriggerId("page", roundId, form), doc, kind!.Value, Forms.Text(form, "note"), Coordinators.Of(http)), ct);
        return result.Succeeded
            ? Results.Redirect($"/rounds/{roundId}?done=revised")
            : await RoundPageAsync(http, d, roundId, null, Forms.From(result.Failure!), FormValues.From(form), "revise", FailureAnswers.For(result.Failure!).Status, ct);
    }

    private static async Task<IResult> AddPartnerAsync(string roundId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var meeting = Forms.Date(form, "meeting", "meeting date", required: false);
        var dueBy = Forms.Date(form, "dueBy", "due date", required: false);
        var partner = d.Commands.NewPartner(Forms.Text(form, "name"), Forms.Text(form, "officerName"), Forms.Text(form, "officerEmail"), Forms.Text(form, "route"),
            meeting.IsValid ? meeting.Value : null, dueBy.IsValid ? dueBy.Value : null);
        var failures = partner.Failures.Concat(meeting.Failures).Concat(dueBy.Failures).ToList();
        if (failures.Count > 0)
        {
            return await RoundPageAsync(http, d, roundId, null, Forms.Errors(failures), FormValues.From(form), "add-partner", StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await d.Commands.RunAsync(roundId, new AddPartner(Forms.TriggerId("page", roundId, form), partner.Value, Coordinators.Of(http)), ct);
        return result.Succeeded
            ? Results.Redirect($"/rounds/{roundId}?done=partner-added")
            : await RoundPageAsync(http, d, roundId, null, Forms.From(result.Failure!, "dueBy"), FormValues.From(form), "add-partner", FailureAnswers.For(result.Failure!).Status, ct);
    }

    private static async Task<IResult> CancelAsync(string roundId, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        if (Forms.Text(form, "reason") is not { } reason)
        {
            return await RoundPageAsync(http, d, roundId, null, FormErrors.Of("reason", "Enter why the round is being cancelled: every partner is told"), FormValues.From(form), "cancel",
                StatusCodes.Status422UnprocessableEntity, ct);
        }

        var result = await d.Commands.RunAsync(roundId, new CancelRound(Forms.TriggerId("page", roundId, form), reason, Coordinators.Of(http)), ct);
        return result.Succeeded
            ? Results.Redirect($"/rounds/{roundId}?done=cancelled")
            : await RoundPageAsync(http, d, roundId, null, Forms.From(result.Failure!), FormValues.From(form), "cancel", FailureAnswers.For(result.Failure!).Status, ct);
    }

    private static async Task<IResult> PartnerActionAsync(string roundId, string partnerId, string action, HttpContext http, Deps d, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var stored = await d.Engine.LoadAsync(roundId, ct);
        if (stored?.FindPartner(partnerId) is not { } partner)
        {
            return await NotFoundAsync(http, d);
        }

        var by = Coordinators.Of(http);
        var triggerId = Forms.TriggerId("page", $"{roundId}/{partnerId}/{action}", form);
        var formName = action switch
        {
            "conditions/accept" or "conditions/reject" => "conditions",
            "counterpart/accept" or "counterpart/reject" => "review",
            "counterparts" => "counterpart",
            "decision/correction" => "correction",
            "call-in/outcome" => "call-in-outcome",
            "invitation/resend" => "resend",
            "officer-link" => "officer-link",
            _ => action,
        };
        Task<IResult> Again(FormErrors errors, int status) =>
            PartnerPageAsync(http, d, roundId, partnerId, null, errors, FormValues.From(form), formName, status, ct);

        if (action == "officer-link")
        {
            // Shown on the page, never put in an address: the link is a credential.
            var issued = await d.Links.IssueAsync(roundId, partnerId, triggerId, by, ct);
            return issued.IsValid
                ? await PartnerPageAsync(http, d, roundId, partnerId, null, FormErrors.None, FormValues.Empty, null, StatusCodes.Status200OK, ct, issued.Value)
                : await Again(Forms.From(issued.FirstFailure!), FailureAnswers.For(issued.FirstFailure!).Status);
        }

        (RoundTrigger? Trigger, FormErrors Errors, string Done, string? DateField) read;
        switch (action)
        {
            case "conditions/accept":
                read = (new AcceptConditions(triggerId, partnerId, Forms.Text(form, "note"), by), FormErrors.None, "conditions-accepted", null);
                break;
            case "conditions/reject":
                read = Forms.Text(form, "rejectReason") is { } why
                    ? (new RejectConditions(triggerId, partnerId, why, by), FormErrors.None, "conditions-rejected", null)
                    : (null, FormErrors.Of("rejectReason", "Enter why the conditions cannot be accepted"), "", null);
                break;
            case "counterpart/accept":
                read = (new AcceptCounterpart(triggerId, partnerId, Forms.Text(form, "reviewNote"), by), FormErrors.None, "counterpart-accepted", null);
                break;
            case "counterpart/reject":
                read = Forms.Text(form, "counterpartRejectReason") is { } because
                    ? (new RejectCounterpart(triggerId, partnerId, because, by), FormErrors.None, "counterpart-rejected", null)
                    : (null, FormErrors.Of("counterpartRejectReason", "Enter why the counterpart cannot be accepted"), "", null);
                break;
            case "decision":
                var decision = Forms.Decision(form, partner, Forms.ShownVersion(form, stored.CurrentVersion.Number), triggerId, by, needsEvidence: true);
                if (decision.IsValid && form["form"] != "decision-confirm")
                {
                    // Check your answers first, as the officer does: nothing is recorded until the coordinator confirms.
                    var self = $"/rounds/{roundId}/partners/{partnerId}";
                    return await d.Pages.RenderAsync<DecisionCheckPage>(http,
                        new DecisionCheckModel($"{self}/decision", self, OnBehalf: true, stored, partner, decision.Value, FormValues.From(form), form["__submission"].ToString()));
                }

                read = (decision.IsValid ? decision.Value : null, Forms.Errors(decision.Failures), "decision", DecisionReader.DecidedOnField);
                break;
            case "decision/correction":
                var correction = Forms.Correction(form, partner, triggerId, by);
                read = (correction.IsValid ? correction.Value : null, Forms.Errors(correction.Failures), "decision-corrected", DecisionReader.DecidedOnField);
                break;
            case "call-in":
                var callIn = Forms.CallIn(form, partnerId, triggerId, by);
                read = (callIn.IsValid ? callIn.Value : null, Forms.Errors(callIn.Failures), "called-in", "calledInOn");
                break;
            case "call-in/outcome":
                var resolved = Forms.CallInOutcome(form, partnerId, triggerId, by);
                read = (resolved.IsValid ? resolved.Value : null, Forms.Errors(resolved.Failures), "call-in-resolved", "callInDecidedOn");
                break;
            case "delegate":
                var to = Forms.Delegate(form);
                read = (to.IsValid ? new DelegateOfficer(triggerId, partnerId, to.Value, by) : null, Forms.Errors(to.Failures), "delegated", null);
                break;
            case "dates":
                var newDue = Forms.Date(form, "newDueOn", "new due date", required: false);
                var newMeeting = Forms.Date(form, "newMeetingOn", "new meeting date", required: false);
                read = newDue.IsValid && newMeeting.IsValid
                    ? (new ChangePartnerDates(triggerId, partnerId, newDue.Value, newMeeting.Value, by), FormErrors.None, "dates-changed", newDue.Value is null ? "newMeetingOn" : "newDueOn")
                    : (null, Forms.Errors([.. newDue.Failures, .. newMeeting.Failures]), "", null);
                break;
            case "invitation/resend":
                read = (new ResendInvitation(triggerId, partnerId, by), FormErrors.None, "invitation-resent", null);
                break;
            case "remove":
                read = (new RemovePartner(triggerId, partnerId, Forms.Text(form, "removeReason"), by), FormErrors.None, "removed", null);
                break;
            case "withdraw":
                var noticeOn = Forms.Date(form, "noticeOn", "date notice was given", required: false);
                read = noticeOn.IsValid
                    ? (new WithdrawPartner(triggerId, partnerId, noticeOn.Value ?? d.Commands.Today, Forms.Text(form, "withdrawReason"), by), FormErrors.None, "withdrawn", "noticeOn")
                    : (null, Forms.Errors(noticeOn.Failures), "", null);
                break;
            case "counterparts":
                var make = Forms.Counterpart(form, partnerId, triggerId, by);
                if (!make.IsValid)
                {
                    return await Again(Forms.Errors(make.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                var uploaded = await d.Commands.ReceiveCounterpartAsync(roundId, Upload.Of(form.Files["file"]), "file", make.Value, ct);
                return uploaded.Succeeded
                    ? Results.Redirect($"/rounds/{roundId}/partners/{partnerId}?done=counterpart")
                    : await Again(Forms.From(uploaded.Failure!, "signedOn"), FailureAnswers.For(uploaded.Failure!).Status);
            default:
                return await NotFoundAsync(http, d);
        }

        if (read.Trigger is null)
        {
            return await Again(read.Errors, StatusCodes.Status422UnprocessableEntity);
        }

        var result = await d.Commands.RunAsync(roundId, read.Trigger, ct);
        return result.Succeeded
            ? Results.Redirect($"/rounds/{roundId}/partners/{partnerId}?done={read.Done}")
            : await Again(Forms.From(result.Failure!, read.DateField), FailureAnswers.For(result.Failure!).Status);
    }

    private static Task<IResult> NotFoundAsync(HttpContext http, Deps d) =>
        d.Pages.MessageAsync(http, "Page not found", ["There is no such round, partner or document. Check the address, or go back to the list of rounds."],
            StatusCodes.Status404NotFound, "/rounds", "Back to rounds");
}
