using SignOff.Core.Rounds;

namespace SignOff.Host.Api;

/// <summary>A round as the API shows it.</summary>
/// <remarks>
/// Statuses, outcomes and roles are the enums themselves, named on the wire by the one kebab-case
/// converter (<see cref="RoundJson.EnumConverter"/>), so the API spells them as storage and
/// webhooks do and its OpenAPI document lists the values a client can meet.
/// </remarks>
public sealed record RoundView(
    string RoundId,
    string Title,
    string Reference,
    RoundStatus Status,
    string? StallReason,
    VersionView CurrentVersion,
    DateOnly LaunchedOn,
    DateOnly Deadline,
    DateOnly? EffectiveOn,
    string Calendar,
    IReadOnlyList<PartnerView> Partners,
    AgreementChangeView? ChangeOf = null)
{
    public static RoundView From(RoundState s) => new(
        s.RoundId,
        s.Agreement.Title,
        s.Agreement.Reference,
        s.Status,
        s.StallReason,
        new VersionView(s.CurrentVersion.Number, s.CurrentVersion.Document.Sha256, s.CurrentVersion.Document.FileName, s.CurrentVersion.Kind),
        s.LaunchedOn,
        s.Deadline,
        s.EffectiveOn,
        s.Calendar,
        [.. s.Partners.Select(p => PartnerView.From(p, s.Timers.FirstOrDefault(t => t.PartnerId == p.PartnerId && t.Purpose is TimerPurpose.Reminder or TimerPurpose.OverdueReminder or TimerPurpose.CounterpartChase)))],
        s.ChangeOf is { } change ? new AgreementChangeView(change.AgreementId, RoundProcess.Kebab(change.Kind), change.BaseVersion) : null);
}

/// <summary>The agreement in the register a round varies or joins an organisation to.</summary>
/// <param name="AgreementId">The agreement (GET /api/agreements/{agreementId}).</param>
/// <param name="Kind">variation or accession.</param>
/// <param name="BaseVersion">The version in force when the round was launched.</param>
public sealed record AgreementChangeView(string AgreementId, string Kind, int BaseVersion);

/// <summary>A draft version.</summary>
public sealed record VersionView(int Number, string Sha256, string FileName, RevisionKind? RevisionKind);

/// <summary>A partner as the API shows it.</summary>
public sealed record PartnerView(
    string PartnerId,
    string Name,
    OfficerView Officer,
    string Route,
    PartnerStatus Status,
    DateOnly DueOn,
    DateOnly? MeetingOn,
    DecisionView? Decision,
    ConditionsStatus Conditions,
    DateOnly? CallInEndsOn,
    DateOnly? AuthorisedOn,
    CounterpartView? Counterpart,
    DateTimeOffset? NextReminderAt,
    string? MeetingSource = null,
    PublishedCalendarView? Calendar = null)
{
    public static PartnerView From(PartnerState p, PendingTimer? next) => new(
        p.PartnerId,
        p.Name,
        new OfficerView(p.Officer.Name, p.Officer.Email),
        p.Route.Id,
        p.Status,
        p.DueOn,
        p.MeetingOn,
        p.Decision is { } d ? new DecisionView(d.Outcome, d.Version, d.Body, d.DecidedOn, d.MinuteReference, d.Conditions, d.Reason, d.DeferredTo, d.RecordedBy.Name, d.RecordedBy.Role, d.Evidence,
            d.SignatureDelegatedTo, d.ActingUnder, d.Authority) : null,
        p.Conditions,
        p.CallInEndsOn,
        p.AuthorisedOn,
        p.Counterpart is { } c ? new CounterpartView(c.Version, c.Document.Sha256, c.Document.FileName, c.SignatoryName, c.SignatoryPosition, c.SignedOn, c.ReceivedOn,
            c.Check is { } check ? new SignatureCheckView(check.Kind, check.Signer, check.Detail, check.IsVerified) : null) : null,
        next?.DueAt,
        p.MeetingSource,
        p.Calendar is { } cal ? new PublishedCalendarView(cal.FeedUrl, cal.Body, p.PublishedMeetingOn) : null);
}

public sealed record OfficerView(string Name, string Email);

/// <summary>
/// The published meeting calendar a partner's meeting dates are read from: its address, the body
/// looked for, and the meeting it last listed. <c>meetingSource</c> on the partner says whether the
/// current meeting date came from it (the feed's address) or from a person (null).
/// </summary>
public sealed record PublishedCalendarView(string FeedUrl, string Body, DateOnly? ListedMeetingOn);

public sealed record DecisionView(DecisionOutcome Outcome, int Version, string Body, DateOnly DecidedOn, string? MinuteReference, string? Conditions, string? Reason, DateOnly? DeferredTo, string RecordedBy, ActorRole RecordedByRole, string? Evidence,
    string? SignatureDelegatedTo, string? ActingUnder, string Authority);

/// <summary>A partner's counterpart; <c>signature</c> is what SignOff found when it checked the signature (null for counterparts recorded before the checks).</summary>
public sealed record CounterpartView(int Version, string Sha256, string FileName, string SignatoryName, string SignatoryPosition, DateOnly SignedOn, DateOnly ReceivedOn,
    SignatureCheckView? Signature = null);

/// <summary>How a counterpart's signature was established: its kind, the signer (a certificate's subject), the check in words, and whether SignOff verified it.</summary>
public sealed record SignatureCheckView(SignatureKind Kind, string? Signer, string? Detail, bool Verified);

/// <summary>One entry of the audit log.</summary>
public sealed record EventView(long Sequence, string Type, DateTimeOffset At, string TriggerId, RoundEvent Data);

/// <summary>A page of the audit log.</summary>
public sealed record EventPage(IReadOnlyList<EventView> Events, long? NextFrom);

/// <summary>A round in a list.</summary>
public sealed record RoundSummary(string RoundId, string Title, string Reference, string Status, DateOnly Deadline);
