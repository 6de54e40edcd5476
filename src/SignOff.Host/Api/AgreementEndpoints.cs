using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Access;
using SignOff.Host.Commands;
using SignOff.Storage.Agreements;

namespace SignOff.Host.Api;

/// <summary>An agreement in the register's list.</summary>
/// <param name="AgreementId">The agreement (the id of the round that made it).</param>
/// <param name="Title">Its title.</param>
/// <param name="Reference">Its reference.</param>
/// <param name="Status">in-force or ended.</param>
/// <param name="PartiesBound">How many parties it binds now (those on notice included).</param>
/// <param name="Version">The version in force.</param>
/// <param name="EffectiveOn">The day that version took effect.</param>
/// <param name="NextReviewOn">The next review's due date, if one is scheduled.</param>
public sealed record AgreementSummary(string AgreementId, string Title, string Reference, string Status, int PartiesBound, int Version, DateOnly EffectiveOn, DateOnly? NextReviewOn);

/// <summary>A party to an agreement, bound now or once.</summary>
public sealed record PartyView(string PartyId, string Name, string OfficerName, string OfficerEmail, string Status, DateOnly JoinedOn, string JoinedBy,
    DateOnly? NoticeGivenOn, DateOnly? BoundUntil, string? NoticeReason, DateOnly? ExitedOn);

/// <summary>A version of the agreement that took effect.</summary>
public sealed record AgreementVersionView(int Number, string RoundId, string Sha256, string FileName, DateOnly EffectiveOn);

/// <summary>One entry of an agreement's history, oldest first.</summary>
public sealed record AgreementEventView(long Sequence, string Type, DateTimeOffset At, string TriggerId, JsonElement Data);

/// <summary>An email or webhook of the agreement given up after every retry.</summary>
/// <param name="At">When the register recorded it.</param>
/// <param name="Channel">email or webhook.</param>
/// <param name="What">What it was, in words ("notice given email", "party.exited event").</param>
/// <param name="Destination">Where it was going: the recipients, or the webhook URL.</param>
/// <param name="Reason">The last failure, in words.</param>
/// <param name="Reference">The email's effect id, or the webhook's <c>webhook-id</c> (as in the delivery log).</param>
/// <param name="StoppedSubscription">For a webhook: the subscription disabled because of it, if one was.</param>
public sealed record AgreementDeliveryFailureView(DateTimeOffset At, string Channel, string What, string Destination, string Reason, string Reference, string? StoppedSubscription);

/// <summary>An agreement as the register holds it, with its history.</summary>
/// <remarks><see cref="DeliveryFailures"/> is what the coordinator acts on (resume a subscription, check an address); the same facts are in the history as <c>AgreementDeliveryFailed</c>.</remarks>
public sealed record AgreementView(string AgreementId, string Title, string Reference, string Status, string CoordinatorName, string CoordinatorEmail,
    AgreementVersionView Version, IReadOnlyList<AgreementVersionView> Versions, IReadOnlyList<PartyView> Parties, string Notice, string? Reviews,
    DateOnly? NextReviewOn, DateOnly? ReviewDueSince, string? LastReviewOutcome, IReadOnlyList<string> ContinuationViewsDue, IReadOnlyList<AgreementEventView> History,
    IReadOnlyList<AgreementDeliveryFailureView> DeliveryFailures)
{
    /// <summary>The view of an agreement and its recorded history.</summary>
    public static AgreementView From(AgreementState s, IReadOnlyList<(long Sequence, AgreementEvent Event)> history)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(history);
        return new(s.AgreementId, s.Agreement.Title, s.Agreement.Reference, RoundProcess.Kebab(s.Status), s.Coordinator.Name, s.Coordinator.Email,
            VersionOf(s.Current), [.. s.Versions.Select(VersionOf)],
            [.. s.Parties.Select(p => new PartyView(p.PartyId, p.Name, p.Officer.Name, p.Officer.Email, RoundProcess.Kebab(p.Status), p.JoinedOn, p.JoinedBy,
                p.Notice?.GivenOn, p.Notice?.EndsOn, p.Notice?.Reason, p.ExitedOn))],
            s.Terms.Notice.Describe(), s.Terms.Reviews?.Describe(), s.NextReview?.DueOn, s.ReviewDueSince,
            s.LastReviewOutcome is { } outcome ? RoundProcess.Kebab(outcome) : null, s.ContinuationViewsDue,
            [.. history.Select(h => new AgreementEventView(h.Sequence, h.Event.GetType().Name, h.Event.At, h.Event.TriggerId,
                JsonSerializer.SerializeToElement(h.Event, RoundJson.Options)))],
            [.. s.DeliveryFailures.Select(f => new AgreementDeliveryFailureView(f.At, RoundProcess.Kebab(f.Failure.Channel), f.Failure.What, f.Failure.Destination, f.Failure.Reason,
                f.Failure.Reference, f.Failure.StoppedSubscription))]);
    }

    private static AgreementVersionView VersionOf(EffectiveVersion v) => new(v.Number, v.RoundId, v.Document.Sha256, v.Document.FileName, v.EffectiveOn);
}

/// <summary>A party gives notice to leave.</summary>
/// <param name="GivenOn">The day notice was given (default: today).</param>
/// <param name="Reason">Why, if the party said.</param>
public sealed record NoticeRequest(DateOnly? GivenOn, string? Reason);

/// <summary>A review's outcome.</summary>
/// <param name="ReviewedOn">The day of the review (default: today).</param>
/// <param name="Outcome">no-change or variation-needed.</param>
/// <param name="Note">What the partnership concluded.</param>
public sealed record ReviewRequest(DateOnly? ReviewedOn, string? Outcome, string? Note);

/// <summary>The partnership's view on carrying on after parties left.</summary>
public sealed record ContinuationRequest(string? View);

/// <summary>The coordinator API over the agreement register: agreements that outlive their rounds.</summary>
public static class AgreementEndpoints
{
    private const int HistoryShown = 1000;

    public static RouteGroupBuilder MapAgreementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agreements").WithTags("Agreements").AddEndpointFilter<ApiKeyFilter>().DisableAntiforgery();
        api.MapGet("/", ListAsync).WithSummary("The register: every agreement with its status, parties bound, version in force, effective date and next review.");
        api.MapGet("/{agreementId}", GetAsync).WithSummary("An agreement as it stands: parties, versions, notices, reviews, and its history oldest first.");
        api.MapPost("/{agreementId}/parties/{partyId}/notice", NoticeAsync)
            .WithSummary("Record that a party gives notice to leave (givenOn defaults to today): it stays bound until its notice ends; the other parties, the chairs and the coordinator are told.");
        api.MapPost("/{agreementId}/reviews", ReviewAsync)
            .WithSummary("Record a review's outcome (no-change or variation-needed); the next review is scheduled.");
        api.MapPost("/{agreementId}/continuation", ContinuationAsync)
            .WithSummary("Record the partnership's view on carrying on after parties left.");
        return api;
    }

    /// <summary>The services the endpoints use.</summary>
    public sealed record Deps(AgreementCommands Commands, AgreementReadModel Store);

    private static async Task<Ok<IReadOnlyList<AgreementSummary>>> ListAsync(Deps d, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<AgreementSummary>>([.. (await d.Store.ListAsync(ct))
            .OrderBy(a => a.Title, StringComparer.OrdinalIgnoreCase)
            .Select(a => new AgreementSummary(a.AgreementId, a.Title, a.Reference, a.Status, a.PartiesBound, a.Version, a.EffectiveOn, a.NextReviewOn))]);

    private static async Task<Results<Ok<AgreementView>, ProblemHttpResult>> GetAsync(string agreementId, Deps d, CancellationToken ct)
    {
        // The entity holds the truth (a notice just given shows at once); the history is the read side's.
        if (await d.Commands.LoadAsync(agreementId, ct) is not { } state)
        {
            return Problems.From(new CommandFailure.NotFound($"There is no agreement '{agreementId}' in the register."));
        }

        return TypedResults.Ok(AgreementView.From(state, await d.Store.ReadEventsAsync(agreementId, 1, HistoryShown, ct)));
    }

    private static Task<Results<Ok<AgreementView>, ProblemHttpResult>> NoticeAsync(string agreementId, string partyId, NoticeRequest body, HttpContext http, Deps d, CancellationToken ct) =>
        RunAsync(d, agreementId, d.Commands.Notice(RoundEndpoints.TriggerId(http), partyId, body.GivenOn, body.Reason, Coordinators.Of(http)), ct);

    private static async Task<Results<Ok<AgreementView>, ProblemHttpResult>> ReviewAsync(string agreementId, ReviewRequest body, HttpContext http, Deps d, CancellationToken ct)
    {
        if (InputReaders.ReviewOutcome(body.Outcome) is not { } chosen)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.UnknownChoice, "Give the review's outcome: no-change or variation-needed.", "outcome"));
        }

        return await RunAsync(d, agreementId, d.Commands.Review(RoundEndpoints.TriggerId(http), body.ReviewedOn, chosen, body.Note, Coordinators.Of(http)), ct);
    }

    private static Task<Results<Ok<AgreementView>, ProblemHttpResult>> ContinuationAsync(string agreementId, ContinuationRequest body, HttpContext http, Deps d, CancellationToken ct) =>
        RunAsync(d, agreementId, AgreementCommands.Continuation(RoundEndpoints.TriggerId(http), body.View, Coordinators.Of(http)), ct);

    private static async Task<Results<Ok<AgreementView>, ProblemHttpResult>> RunAsync(Deps d, string agreementId, AgreementTrigger trigger, CancellationToken ct)
    {
        var result = await d.Commands.RunAsync(agreementId, trigger, ct);
        if (result.State is not { } state)
        {
            return Problems.From(result.Failure!);
        }

        return TypedResults.Ok(AgreementView.From(state, await d.Store.ReadEventsAsync(agreementId, 1, HistoryShown, ct)));
    }
}
