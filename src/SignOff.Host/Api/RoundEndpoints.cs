using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Storage.Blobs;
using SignOff.Storage.Rounds;
using SignOff.Host.Access;

namespace SignOff.Host.Api;

/// <summary>The coordinator API: launch rounds, watch them, act on them.</summary>
public static class RoundEndpoints
{
    public static RouteGroupBuilder MapRoundApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/rounds").WithTags("Rounds").AddEndpointFilter<ApiKeyFilter>().DisableAntiforgery();
        api.MapPost("/", CreateAsync).WithSummary("Launch a round from a definition (YAML or JSON), a draft (PDF or DOCX) and an optional CSV roster.")
            .DescribesMultipart(
                new("definition", File: true, Required: true, "The round definition, YAML or JSON (up to 1 MB)."),
                new("draft", File: true, Required: true, "The draft agreement, PDF or DOCX."),
                new("roster", File: true, Required: false, "Optional: partners as CSV (name, officer, email, route, meeting, dueBy)."));
        api.MapGet("/", ListAsync).WithSummary("List rounds, optionally by status.");
        api.MapGet("/{roundId}", GetAsync).WithSummary("A round's status, version, deadline and partners.");
        api.MapGet("/{roundId}/events", EventsAsync).WithSummary("The audit log, oldest first, paged.");
        api.MapGet("/{roundId}/documents/{sha256}", DocumentAsync).WithSummary("Download a draft or counterpart by its SHA-256.");
        api.MapGet("/{roundId}/completion-pack", CompletionPackAsync).WithSummary("The completion pack PDF: agreement, version and hash, effective date, every decision and counterpart.");
        api.MapPost("/{roundId}/revisions", ReviseAsync).WithSummary("Circulate a revised draft (kind = minor | material).")
            .DescribesMultipart(
                new("draft", File: true, Required: true, "The revised draft, PDF or DOCX."),
                new("kind", File: false, Required: true, "minor (decisions stand; counterparts of this version are needed) or material (every partner decides again)."),
                new("note", File: false, Required: false, "What changed, for the partners."));
        api.MapPost("/{roundId}/partners", AddPartnerAsync).WithSummary("Add a partner mid-round.");
        api.MapPost("/{roundId}/partners/{partnerId}/withdraw", (string roundId, string partnerId, WithdrawRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new WithdrawPartner(TriggerId(http), partnerId, body.NoticeOn ?? d.Commands.Today, body.Reason, Coordinators.Of(http)), ct))
            .WithSummary("Record that a partner withdraws (on notice, before the agreement takes effect).");
        api.MapPost("/{roundId}/partners/{partnerId}/remove", (string roundId, string partnerId, ReasonRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new RemovePartner(TriggerId(http), partnerId, body.Reason, Coordinators.Of(http)), ct))
            .WithSummary("Remove a partner that declined, so the round can go on without it.");
        api.MapPost("/{roundId}/partners/{partnerId}/conditions/accept", (string roundId, string partnerId, NoteRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new AcceptConditions(TriggerId(http), partnerId, body.Note, Coordinators.Of(http)), ct))
            .WithSummary("Accept the conditions a partner approved with.");
        api.MapPost("/{roundId}/partners/{partnerId}/conditions/reject", (string roundId, string partnerId, ReasonRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new RejectConditions(TriggerId(http), partnerId, body.Reason ?? "", Coordinators.Of(http)), ct))
            .WithSummary("Refuse a partner's conditions, with the reason: the partner decides again.");
        api.MapPost("/{roundId}/partners/{partnerId}/decision", DecisionAsync).WithSummary("Record a decision on a partner's behalf, with evidence.");
        api.MapPost("/{roundId}/partners/{partnerId}/decision/correction", CorrectionAsync)
            .WithSummary("Correct a partner's recorded decision (the wrong outcome, date or minute reference), with why and the evidence: the log keeps the original, and the partner moves to where the corrected decision puts it.");
        api.MapPost("/{roundId}/partners/{partnerId}/call-in", (string roundId, string partnerId, CallInRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new CallInDecision(TriggerId(http), partnerId, body.CalledInOn ?? d.Commands.Today, body.Committee, body.Reason, Coordinators.Of(http)), ct))
            .WithSummary("Record that a scrutiny committee called a partner's decision in, during its call-in period (calledInOn defaults to today).");
        api.MapPost("/{roundId}/partners/{partnerId}/call-in/outcome", CallInOutcomeAsync)
            .WithSummary("Record a call-in's outcome: upheld (the partner is authorised from decidedOn) or referred-back (the partner decides again).");
        api.MapPost("/{roundId}/partners/{partnerId}/counterparts", CounterpartAsync).WithSummary("Upload a partner's signed counterpart (multipart).")
            .DescribesMultipart(
                new("file", File: true, Required: true, "The signed counterpart: PDF, DOCX, or a JPEG or PNG photo of the signed page (made into a PDF)."),
                new("signatoryName", File: false, Required: true, "Who signed."),
                new("signatoryPosition", File: false, Required: true, "Their position in the organisation."),
                new("signedOn", File: false, Required: true, "The date of signing, YYYY-MM-DD.", "date"),
                new("version", File: false, Required: false, "The version signed (default: the current one).", "int32"));
        api.MapPost("/{roundId}/partners/{partnerId}/counterpart/accept", (string roundId, string partnerId, NoteRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new AcceptCounterpart(TriggerId(http), partnerId, body.Note, Coordinators.Of(http)), ct))
            .WithSummary("Accept a partner's counterpart that waits for review: it counts.");
        api.MapPost("/{roundId}/partners/{partnerId}/counterpart/reject", (string roundId, string partnerId, ReasonRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new RejectCounterpart(TriggerId(http), partnerId, body.Reason ?? "", Coordinators.Of(http)), ct))
            .WithSummary("Reject a partner's counterpart, with the reason, before the agreement takes effect: the partner is asked for another.");
        api.MapPost("/{roundId}/partners/{partnerId}/delegate", (string roundId, string partnerId, DelegateRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new DelegateOfficer(TriggerId(http), partnerId, new Person(body.Name, body.Email), Coordinators.Of(http)), ct))
            .WithSummary("Hand a partner's officer role to a colleague; the old links stop working.");
        api.MapPost("/{roundId}/partners/{partnerId}/dates", (string roundId, string partnerId, DatesRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new ChangePartnerDates(TriggerId(http), partnerId, body.DueOn, body.MeetingOn, Coordinators.Of(http)), ct))
            .WithSummary("Move a partner's due date or meeting date (either may be left out to keep it); the officer is told and reminders follow the new dates.");
        api.MapPost("/{roundId}/partners/{partnerId}/invitation/resend", (string roundId, string partnerId, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new ResendInvitation(TriggerId(http), partnerId, Coordinators.Of(http)), ct))
            .WithSummary("Send a partner's invitation again with a fresh link; refused (409) within ten minutes of the last resend.");
        api.MapPost("/{roundId}/partners/{partnerId}/officer-link", OfficerLinkAsync)
            .WithSummary("A working link for the partner's officer, for the coordinator to pass on by other means (the request is recorded on the round; the link never is).");
        api.MapPost("/{roundId}/cancel", (string roundId, ReasonRequest body, HttpContext http, Deps d, CancellationToken ct) =>
            RunAsync(d, roundId, new CancelRound(TriggerId(http), body.Reason ?? "", Coordinators.Of(http)), ct))
            .WithSummary("Cancel the round, with the reason every partner is told.");
        return api;
    }

    /// <summary>The services endpoints use, gathered so handlers stay short.</summary>
    public sealed record Deps(RoundCommands Commands, IRoundEngine Engine, RoundReadModel Store, BlobDocumentStore Documents, TimeProvider Time, OfficerLinks Links);

    public sealed record WithdrawRequest(DateOnly? NoticeOn, string? Reason);

    public sealed record ReasonRequest(string? Reason);

    /// <summary>A link for a partner's officer, to pass on: it acts as that officer until it expires.</summary>
    public sealed record OfficerLinkView(string PartnerId, string OfficerName, string OfficerEmail, Uri Link, DateTimeOffset ExpiresAt);

    public sealed record NoteRequest(string? Note);

    public sealed record DelegateRequest(string Name, string Email);

    /// <summary>A partner's new dates, YYYY-MM-DD; a date left out stays as it is.</summary>
    public sealed record DatesRequest(DateOnly? DueOn, DateOnly? MeetingOn);

    public sealed record DecisionRequest(string Outcome, int? Version, string? Body, DateOnly? DecidedOn, string? MinuteReference, string? Conditions, string? Reason, DateOnly? DeferredTo, string? Evidence,
        string? SignatureDelegatedTo = null, string? ActingUnder = null);

    /// <summary>A corrected decision: the fields of a decision (on the version originally decided), the evidence, and why the record was wrong.</summary>
    public sealed record CorrectionRequest(string Outcome, string? Body, DateOnly? DecidedOn, string? MinuteReference, string? Conditions, string? Reason, DateOnly? DeferredTo, string? Evidence, string? CorrectionReason,
        string? SignatureDelegatedTo = null, string? ActingUnder = null);

    public sealed record CallInRequest(DateOnly? CalledInOn, string? Committee, string? Reason);

    public sealed record CallInOutcomeRequest(string? Outcome, DateOnly? DecidedOn, string? Note);

    public sealed record AddPartnerRequest(string Name, OfficerView Officer, string Route, DateOnly? Meeting, DateOnly? DueBy);

    private static async Task<Results<Created<RoundView>, ProblemHttpResult>> CreateAsync(HttpRequest request, Deps d, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MultipartRequired, "Send multipart/form-data with 'definition' (YAML or JSON) and 'draft' (PDF or DOCX), and optionally 'roster' (CSV)."));
        }

        var form = await request.ReadFormAsync(ct);
        if (form.Files["definition"] is null || form.Files["draft"] is null)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MissingFile, $"Missing {(form.Files["definition"] is null ? "'definition'" : "'draft'")}: a round needs a definition file and a draft."));
        }

        var result = await d.Commands.LaunchAsync(Upload.Of(form.Files["definition"]), Upload.Of(form.Files["draft"]), Upload.Of(form.Files["roster"]),
            TriggerId(request.HttpContext), Coordinators.Of(request.HttpContext), ct);
        return result.State is { } state
            ? TypedResults.Created($"/api/rounds/{state.RoundId}", RoundView.From(state))
            : Problems.From(result.Failure!);
    }

    private static async Task<Ok<IReadOnlyList<RoundSummary>>> ListAsync(string? status, Deps d, CancellationToken ct)
    {
        var rounds = await d.Store.ListAsync(status, ct);
        return TypedResults.Ok<IReadOnlyList<RoundSummary>>([.. rounds.Select(r => new RoundSummary(r.RoundId, r.Title, r.Reference, r.Status, r.Deadline))]);
    }

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> GetAsync(string roundId, Deps d, CancellationToken ct) =>
        await d.Engine.LoadAsync(roundId, ct) is { } stored
            ? TypedResults.Ok(RoundView.From(stored))
            : Problems.From(new CommandFailure.NotFound($"There is no round '{roundId}'."));

    private static async Task<Results<Ok<EventPage>, ProblemHttpResult>> EventsAsync(string roundId, Deps d, CancellationToken ct, long from = 1, int max = 100)
    {
        if (from < 1 || max is < 1 or > 1000)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.PageOutOfRange, "'from' starts at 1 and 'max' is 1 to 1000."));
        }

        if (await d.Engine.LoadAsync(roundId, ct) is not { } stored)
        {
            return Problems.From(new CommandFailure.NotFound($"There is no round '{roundId}'."));
        }

        await d.Store.CatchUpAsync(roundId, stored.EventCount, TimeSpan.FromSeconds(5), ct);
        var events = await d.Store.ReadEventsAsync(roundId, from, max, ct);
        var views = events.Select(e => new EventView(e.Sequence, e.Event.GetType().Name, e.Event.At, e.Event.TriggerId, e.Event)).ToList();
        var next = views.Count > 0 && views[^1].Sequence < stored.EventCount ? views[^1].Sequence + 1 : (long?)null;
        return TypedResults.Ok(new EventPage(views, next));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DocumentAsync(string roundId, string sha256, Deps d, CancellationToken ct)
    {
        var stored = await d.Engine.LoadAsync(roundId, ct);
        if (stored?.FindDocument(sha256) is null || await d.Documents.OpenAsync(sha256, ct) is not { } doc)
        {
            return Problems.From(new CommandFailure.NotFound("This round has no document with that SHA-256."));
        }

        return TypedResults.Stream(doc.Content, doc.ContentType, $"{sha256[..12]}{(doc.ContentType == DocumentInspector.Pdf ? ".pdf" : ".docx")}");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> CompletionPackAsync(string roundId, Deps d, CancellationToken ct) =>
        await d.Engine.LoadAsync(roundId, ct) is { } stored
            ? TypedResults.File(await Documents.CompletionPack.RenderAsync(stored, d.Time.GetUtcNow(), d.Documents, ct), "application/pdf", Documents.CompletionPack.FileName(stored))
            : Problems.From(new CommandFailure.NotFound($"There is no round '{roundId}'."));

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> ReviseAsync(string roundId, HttpRequest request, Deps d, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MultipartRequired, "Send multipart/form-data with 'draft', 'kind' (minor or material) and 'note'."));
        }

        var form = await request.ReadFormAsync(ct);
        if (InputReaders.RevisionKind(form["kind"].ToString()) is not { } kind)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.UnknownChoice, "The kind must be minor (decisions stand) or material (every decision is taken again).", "kind"));
        }

        if (form.Files["draft"] is not { } file)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MissingFile, "Missing 'draft': the revised document."));
        }

        return Answer(await d.Commands.RunWithDocumentAsync(roundId, Upload.Of(file), "draft",
            (draft, _) => new ReviseDraft(TriggerId(request.HttpContext), draft, kind, form["note"], Coordinators.Of(request.HttpContext)), ct));
    }

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> CounterpartAsync(string roundId, string partnerId, HttpRequest request, Deps d, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MultipartRequired, "Send multipart/form-data with 'file', 'signatoryName', 'signatoryPosition' and 'signedOn'."));
        }

        var form = await request.ReadFormAsync(ct);
        if (form.Files["file"] is not { } file)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MissingFile, "Missing 'file': the signed counterpart."));
        }

        var signed = InputReaders.Date(form["signedOn"], "signedOn", "date it was signed", required: true);
        if (signed.FirstFailure is { } badDate)
        {
            return Problems.From(badDate);
        }

        var signedOn = signed.Value!.Value;

        int? version = int.TryParse(form["version"], CultureInfo.InvariantCulture, out var v) ? v : null;
        return Answer(await d.Commands.ReceiveCounterpartAsync(roundId, Upload.Of(file), "file", (doc, state) => new ReceiveCounterpart(TriggerId(request.HttpContext), partnerId,
            version ?? state.CurrentVersion.Number, doc, form["signatoryName"].ToString(), form["signatoryPosition"].ToString(), signedOn, Coordinators.Of(request.HttpContext)), ct));
    }

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> DecisionAsync(string roundId, string partnerId, DecisionRequest body, HttpContext http, Deps d, CancellationToken ct)
    {
        // The same reader as the pages; an omitted date is today (see DecisionRules). An omitted version
        // is the round's current one, read from the round as the runner loads it (no extra load).
        var read = DecisionReader.Read(
            new DecisionInput(body.Outcome, body.Body, Iso(body.DecidedOn), body.MinuteReference, body.Conditions, body.Reason, Iso(body.DeferredTo), body.Evidence,
                body.SignatureDelegatedTo, body.ActingUnder),
            new DecisionRules(EvidenceRequired: true, DecidedOnIfOmitted: d.Commands.Today), "the partner", TriggerId(http), partnerId, body.Version ?? 0, Coordinators.Of(http));
        if (read.FirstFailure is { } failure)
        {
            return Problems.From(failure);
        }

        var decision = read.Value;
        return Answer(await d.Commands.RunAsync(roundId, state => body.Version is null && state is not null ? decision with { Version = state.CurrentVersion.Number } : decision, ct));
    }

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> CorrectionAsync(string roundId, string partnerId, CorrectionRequest body, HttpContext http, Deps d, CancellationToken ct)
    {
        // The corrected decision is read as a decision is; it stays on the version originally decided,
        // read from the round as the runner loads it.
        var read = DecisionReader.Read(
            new DecisionInput(body.Outcome, body.Body, Iso(body.DecidedOn), body.MinuteReference, body.Conditions, body.Reason, Iso(body.DeferredTo), body.Evidence,
                body.SignatureDelegatedTo, body.ActingUnder),
            new DecisionRules(EvidenceRequired: true, DecidedOnIfOmitted: null), "the partner", TriggerId(http), partnerId, 0, Coordinators.Of(http));
        if (read.FirstFailure is { } failure)
        {
            return Problems.From(failure);
        }

        if (string.IsNullOrWhiteSpace(body.CorrectionReason))
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.MissingDetail, "Say why the recorded decision was wrong.", "correctionReason"));
        }

        var corrected = read.Value;
        return Answer(await d.Commands.RunAsync(roundId, state => new CorrectDecision(corrected.TriggerId,
            corrected with { Version = state?.FindPartner(partnerId)?.Decision?.Version ?? state?.CurrentVersion.Number ?? 0 },
            body.CorrectionReason, corrected.Evidence!, corrected.By), ct));
    }

    private static Task<Results<Ok<RoundView>, ProblemHttpResult>> CallInOutcomeAsync(string roundId, string partnerId, CallInOutcomeRequest body, HttpContext http, Deps d, CancellationToken ct)
    {
        if (InputReaders.CallInOutcome(body.Outcome) is not { } outcome)
        {
            return Task.FromResult<Results<Ok<RoundView>, ProblemHttpResult>>(Problems.From(new CommandFailure.Invalid(
                string.IsNullOrWhiteSpace(body.Outcome) ? InputProblem.MissingDetail : InputProblem.UnknownChoice, "The outcome must be upheld or referred-back.", "outcome")));
        }

        return RunAsync(d, roundId, new ResolveCallIn(TriggerId(http), partnerId, outcome, body.DecidedOn ?? d.Commands.Today, body.Note, Coordinators.Of(http)), ct);
    }

    /// <summary>A date the JSON reader has already read, as the text the decision reader reads.</summary>
    private static string? Iso(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<Results<Ok<RoundView>, ProblemHttpResult>> AddPartnerAsync(string roundId, AddPartnerRequest body, HttpContext http, Deps d, CancellationToken ct)
    {
        var partner = d.Commands.NewPartner(body.Name, body.Officer?.Name, body.Officer?.Email, body.Route, body.Meeting, body.DueBy);
        return partner.FirstFailure is { } failure
            ? Problems.From(failure)
            : await RunAsync(d, roundId, new AddPartner(TriggerId(http), partner.Value, Coordinators.Of(http)), ct);
    }

    /// <summary>Runs a trigger and answers with the round, or the refusal.</summary>
    public static async Task<Results<Ok<RoundView>, ProblemHttpResult>> RunAsync(Deps d, string roundId, RoundTrigger trigger, CancellationToken ct) =>
        Answer(await d.Commands.RunAsync(roundId, trigger, ct));

    private static Results<Ok<RoundView>, ProblemHttpResult> Answer(CommandResult result) =>
        result.State is { } state ? TypedResults.Ok(RoundView.From(state)) : Problems.From(result.Failure!);

    /// <summary>The caller's idempotency key, or a fresh id: a retried request with the same key changes nothing.</summary>
    /// <remarks>The key is hashed, so any string a client sends makes a storage-safe trigger id.</remarks>
    private static async Task<Results<Ok<OfficerLinkView>, ProblemHttpResult>> OfficerLinkAsync(string roundId, string partnerId, HttpContext http, Deps d, CancellationToken ct)
    {
        var issued = await d.Links.IssueAsync(roundId, partnerId, TriggerId(http), Coordinators.Of(http), ct);
        if (issued.FirstFailure is { } failure)
        {
            return Problems.From(failure);
        }

        // A credential: no cache, no proxy, no browser history keeps it.
        http.Response.Headers.CacheControl = "no-store";
        var link = issued.Value;
        return TypedResults.Ok(new OfficerLinkView(partnerId, link.Officer.Name, link.Officer.Email, link.Address, link.ExpiresAt));
    }

    public static string TriggerId(HttpContext http) =>
        http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key
            ? $"api:{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..40]}"
            : $"api:{Guid.NewGuid():N}";


}
