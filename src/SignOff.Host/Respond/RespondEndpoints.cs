using SignOff.Core.Rounds;
using SignOff.Core.Wording;
using SignOff.Host.Commands;
using SignOff.Host.Documents;
using SignOff.Host.Pages;
using SignOff.Host.Pages.Shared;
using SignOff.Storage.Blobs;
using SignOff.Storage.Rounds;

namespace SignOff.Host.Respond;

/// <summary>
/// The officer's side (the emailed link) and the chair's digest link. GET and HEAD only show a
/// page — mail scanners fetch links before people do — and only a POST from one of the page's
/// buttons, with its anti-forgery token, acts.
/// </summary>
public static class RespondEndpoints
{
    /// <summary>The services the officer's page uses.</summary>
    public sealed record Deps(ResponseLinks Links, RoundCommands Commands, IRoundEngine Engine, RoundReadModel Store, BlobDocumentStore Documents, PageRenderer Pages, TimeProvider Time,
        CounterpartExecution Signing);

    public static void MapRespond(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/respond/{token}", ["GET", "HEAD"], ShowAsync).ExcludeFromDescription();
        app.MapMethods("/respond/{token}/draft", ["GET", "HEAD"], DraftAsync).ExcludeFromDescription();
        app.MapPost("/respond/{token}", ActAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("/chair/{token}", ["GET", "HEAD"], ChairAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, Deps d, CancellationToken ct)
    {
        var (_, state, partner) = await ResolveAsync(token, d, ct);
        return partner is null
            ? await InvalidAsync(http, d, state)
            : await d.Pages.RenderAsync<RespondPage>(http, new RespondModel(token, state!, partner, d.Commands.Today, FormErrors.None, FormValues.FromChangeLink(http.Request.Query), null));
    }

    private static async Task<IResult> DraftAsync(string token, HttpContext http, Deps d, CancellationToken ct)
    {
        var (_, state, partner) = await ResolveAsync(token, d, ct);
        if (partner is null || await d.Documents.OpenAsync(state!.CurrentVersion.Document.Sha256, ct) is not { } doc)
        {
            return await InvalidAsync(http, d, state);
        }

        PageResult.SecurityHeaders(http.Response);
        return Results.Stream(doc.Content, doc.ContentType, state.CurrentVersion.Document.FileName);
    }

    private static async Task<IResult> ActAsync(string token, HttpContext http, Deps d, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery, CancellationToken ct)
    {
        var (link, state, partner) = await ResolveAsync(token, d, ct);
        if (partner is null)
        {
            return await InvalidAsync(http, d, state);
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return await d.Pages.MessageAsync(http, "Please try again",
                ["The form had expired, so nothing was recorded. Open the link in your email again and resubmit."], StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(ct);
        var which = form["form"].ToString();
        var officer = new Actor(partner.Officer.Name, partner.Officer.Email, ActorRole.Officer);
        var triggerId = Forms.TriggerId("respond", token, form);
        Task<IResult> Again(FormErrors errors, int status) =>
            d.Pages.RenderAsync<RespondPage>(http, new RespondModel(token, state!, partner, d.Commands.Today, errors, FormValues.From(form),
                which == "decision-confirm" ? "decision" : which), status);

        CommandResult result;
        string dateField;
        switch (which)
        {
            case "decision" or "decision-confirm":
                // Recorded on the version the page showed (its hidden field), not the link's: a link
                // from an earlier email still shows the current draft. The core refuses a version a
                // material revision has since replaced.
                var decision = Forms.Decision(form, partner, Forms.ShownVersion(form, state!.CurrentVersion.Number), triggerId, officer, needsEvidence: false);
                if (!decision.IsValid)
                {
                    return await Again(Forms.Errors(decision.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                if (which == "decision")
                {
                    // Check your answers first: nothing is recorded until the officer confirms.
                    return await d.Pages.RenderAsync<DecisionCheckPage>(http,
                        new DecisionCheckModel($"/respond/{token}", $"/respond/{token}", OnBehalf: false, state, partner, decision.Value, FormValues.From(form), form["__submission"].ToString()));
                }

                result = await d.Commands.RunAsync(link!.RoundId, decision.Value, ct);
                dateField = DecisionReader.DecidedOnField;
                break;
            case "meeting":
                var meetingOn = Forms.Date(form, "meetingOn", "date of the meeting", required: true);
                if (!meetingOn.IsValid)
                {
                    return await Again(Forms.Errors(meetingOn.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                result = await d.Commands.RunAsync(link!.RoundId, new ScheduleMeeting(triggerId, partner.PartnerId, meetingOn.Value!.Value, Forms.Text(form, "meetingBody"), officer), ct);
                dateField = "meetingOn";
                break;
            case "counterpart":
                var make = Forms.Counterpart(form, partner.PartnerId, triggerId, officer);
                if (!make.IsValid)
                {
                    return await Again(Forms.Errors(make.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                result = await d.Commands.ReceiveCounterpartAsync(link!.RoundId, Upload.Of(form.Files["file"]), "file", make.Value, ct);
                dateField = "signedOn";
                break;
            case "sign":
                var statement = CounterpartExecution.Read(form[CounterpartExecution.NameField], form[CounterpartExecution.PositionField],
                    form[CounterpartExecution.SignatureField], form[CounterpartExecution.AuthorityField] == "yes", partner.Name);
                if (!statement.IsValid)
                {
                    return await Again(Forms.Errors(statement.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                // The version the page showed: a counterpart is of the version the signatory read.
                result = await d.Signing.ExecuteAsync(link!.RoundId, partner.PartnerId, Forms.ShownVersion(form, state!.CurrentVersion.Number), statement.Value, officer,
                    triggerId, ct);
                dateField = CounterpartExecution.SignatureField;
                break;
            case "call-in":
                var callIn = Forms.CallIn(form, partner.PartnerId, triggerId, officer);
                if (!callIn.IsValid)
                {
                    return await Again(Forms.Errors(callIn.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                result = await d.Commands.RunAsync(link!.RoundId, callIn.Value, ct);
                dateField = "calledInOn";
                break;
            case "delegate":
                var to = Forms.Delegate(form);
                if (!to.IsValid)
                {
                    return await Again(Forms.Errors(to.Failures), StatusCodes.Status422UnprocessableEntity);
                }

                result = await d.Commands.RunAsync(link!.RoundId, new DelegateOfficer(triggerId, partner.PartnerId, to.Value, officer), ct);
                dateField = "delegateEmail";
                if (result.Failure is CommandFailure.Refused { Code: RejectionCode.DuplicateOfficer } duplicate)
                {
                    return await Again(FormErrors.Of("delegateEmail", duplicate.Detail.TrimEnd('.')), FailureAnswers.For(duplicate).Status);
                }

                break;
            default:
                return await Again(FormErrors.Of(null, "Choose one of the buttons on this page"), StatusCodes.Status400BadRequest);
        }

        if (result.Failure is { } failure)
        {
            return await Again(Forms.From(failure, dateField), FailureAnswers.For(failure).Status);
        }

        var now = result.State!.FindPartner(partner.PartnerId)!;
        return which switch
        {
            "decision" or "decision-confirm" when now.Decision is { } decided =>
                await d.Pages.ConfirmationAsync(http, Confirmation(which), DecisionRows(result.State, decided), Explain(which, now, result.State), Onward(token, now)),
            "counterpart" or "sign" when now.Counterpart is { } counterpart =>
                await d.Pages.ConfirmationAsync(http, Confirmation(which), CounterpartRows(result.State, counterpart), Explain(which, now, result.State), null),
            _ => await d.Pages.MessageAsync(http, Confirmation(which), Explain(which, now, result.State)),
        };
    }

    /// <summary>The decision as recorded, in the words and order of the check-your-answers page the officer confirmed.</summary>
    private static List<RecordedRow> DecisionRows(RoundState round, RecordedDecision d)
    {
        var outcome = Words.For(d.Outcome);
        List<RecordedRow> rows =
        [
            new("Agreement", $"{round.Agreement.Title}, version {d.Version}"),
            new("Decision", string.Concat(outcome[..1].ToUpperInvariant(), outcome[1..])),
            new("Decision-making body", d.Body),
            new("Date of the decision", UkDates.Long(d.DecidedOn)),
            new("Minute or decision reference", d.MinuteReference ?? "None given"),
        ];
        if (d.Conditions is { } conditions)
        {
            rows.Add(new("Conditions", conditions));
        }

        if (d.Reason is { } reason)
        {
            rows.Add(new("Reason", reason));
        }

        if (d.Outcome == DecisionOutcome.Deferred)
        {
            rows.Add(new("Next meeting", d.DeferredTo is { } next ? UkDates.Long(next) : "Not known yet"));
        }

        return rows;
    }

    /// <summary>The counterpart as recorded: which version, who signed it in what capacity, when, and the file kept.</summary>
    private static IReadOnlyList<RecordedRow> CounterpartRows(RoundState round, Counterpart c) =>
    [
        new("Agreement", $"{round.Agreement.Title}, version {c.Version}"),
        new("Signed by", c.SignatoryName),
        new("Position", c.SignatoryPosition),
        new("Date signed", UkDates.Long(c.SignedOn)),
        new("File", c.Document.FileName),
    ];

    /// <summary>
    /// When the counterpart is next, straight to it on the officer's own page (the same link keeps
    /// working). The query makes it a new page load: this confirmation answered a POST to the same
    /// path, and a link differing only by its fragment would just scroll this page.
    /// </summary>
    private static OnwardLink? Onward(string token, PartnerState p) =>
        p.Status == PartnerStatus.Authorised ? new($"/respond/{token}?next=counterpart#counterpart", "Sign or upload the counterpart") : null;

    private static string Confirmation(string form) => form switch
    {
        "decision" or "decision-confirm" => "Decision recorded",
        "meeting" => "Meeting date saved",
        "counterpart" => "Counterpart received",
        "sign" => "Counterpart signed",
        "call-in" => "Call-in recorded",
        _ => "Handed over",
    };

    private static IReadOnlyList<string> Explain(string form, PartnerState p, RoundState round) => form switch
    {
        "decision" or "decision-confirm" => [$"{p.Name} is now {Words.For(p.Status)}. A confirmation is on its way by email.", NextStep(p)],
        "meeting" => [$"We have noted that {p.Name} will decide on {UkDates.Long(p.MeetingOn)}. Reminders will follow that date."],
        "counterpart" or "sign" => round.Status == RoundStatus.Effective
            ? [$"Thank you. Every partner has now signed: the agreement took effect on {UkDates.Long(round.EffectiveOn)}. The completion pack is on its way by email."]
            : [$"Thank you. {p.Name}'s signed counterpart of version {p.Counterpart?.Version} is recorded. You will hear when every partner has signed and the agreement takes effect."],
        "call-in" => [$"{p.Name}'s decision is recorded as called in. No counterpart is asked for until the call-in's outcome is recorded; you will hear by email."],
        _ => [$"{p.Officer.Name} is now {p.Name}'s officer for this agreement and has been sent their own link. This link no longer works."],
    };

    private static string NextStep(PartnerState p) => p.Status switch
    {
        PartnerStatus.CallIn => $"The call-in period ends on {UkDates.Long(p.CallInEndsOn)}; you will then be asked for a signed counterpart.",
        PartnerStatus.ApprovedWithConditions => "The coordinator will review the conditions and let you know.",
        PartnerStatus.Authorised => "It can now be signed: sign the counterpart here, or upload one signed another way.",
        PartnerStatus.Deferred => "You will be reminded before the next meeting.",
        PartnerStatus.Declined => "The coordinator will be in touch.",
        _ => "You will hear by email what happens next.",
    };

    private static async Task<IResult> ChairAsync(string token, HttpContext http, Deps d, CancellationToken ct)
    {
        if (await d.Links.ResolveChairAsync(token, ct) is not { } email)
        {
            return await InvalidAsync(http, d);
        }

        var today = d.Commands.Today;
        var rounds = (await CoordinatorPages.LoadAllAsync(d.Store, ct))
            .Where(r => r.Chairs.Any(c => string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var name = rounds.SelectMany(r => r.Chairs).FirstOrDefault(c => string.Equals(c.Email, email, StringComparison.OrdinalIgnoreCase))?.Name ?? email;
        return await d.Pages.RenderAsync<DigestPage>(http, new DigestModel(name, [.. rounds.Select(r => RoundDigest.Of(r, today))], today, Coordinator: false));
    }

    /// <summary>The link, its round and partner while the link can be used; otherwise no partner, and the round when the token named one (so a dead-link page can say who to ask).</summary>
    private static async Task<(ResponseLink?, RoundState?, PartnerState?)> ResolveAsync(string token, Deps d, CancellationToken ct)
    {
        var link = await d.Links.ResolveAsync(token, ct);
        if (link is null || await d.Engine.LoadAsync(link.RoundId, ct) is not { } stored)
        {
            return (null, null, null);
        }

        var partner = stored.FindPartner(link.PartnerId);
        var valid = partner is { IsRemaining: true }
            && !stored.IsClosed
            && string.Equals(partner.Officer.Email, link.OfficerEmail, StringComparison.OrdinalIgnoreCase)
            && link.Version >= stored.MaterialBaseVersion;
        return valid ? (link, stored, partner) : (null, stored, null);
    }

    /// <summary>The dead-link page.</summary>
    /// <remarks>
    /// An unknown or forged token names no round, so the page can only point to the partnership's
    /// coordinator; a real link whose round closed or whose officer changed names that round's
    /// coordinator, so the reader knows who to ask.
    /// </remarks>
    private static Task<IResult> InvalidAsync(HttpContext http, Deps d, RoundState? round = null) =>
        d.Pages.MessageAsync(http, "This link cannot be used",
            ["It may have expired, been replaced by a newer email, or been handed to a colleague.",
             round is null
                ? "Use the link in the most recent email about this agreement, or contact the partnership's coordinator."
                : $"Use the link in the most recent email about {round.Agreement.Title}, or contact its coordinator, {round.Coordinator.Name} ({round.Coordinator.Email})."],
            StatusCodes.Status404NotFound);
}
