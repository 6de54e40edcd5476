using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Commands;

/// <summary>
/// Why a command was not carried out, typed from where it was decided to the edge that shows it:
/// the API (problem+json, <c>Commands/Problems</c>) and the pages (an error beside the field,
/// <c>Pages/Forms</c>) read the case and its field, never a string.
/// </summary>
/// <param name="Detail">A sentence for people, without the field's name.</param>
/// <param name="Field">The input at fault (a form field, a multipart part), when there is one.</param>
public abstract record CommandFailure(string Detail, string? Field)
{
    /// <summary>The round refused the trigger: the core's code, unchanged.</summary>
    public sealed record Refused(RejectionCode Code, string Detail, string? Field = null) : CommandFailure(Detail, Field);

    /// <summary>The agreement register refused the trigger: the core's code, unchanged.</summary>
    public sealed record RegisterRefused(AgreementRejectionCode Code, string Detail) : CommandFailure(Detail, null);

    /// <summary>The request could not be read into a command (a file missing or too large, a partner's details).</summary>
    public sealed record Invalid(InputProblem Problem, string Detail, string? Field = null) : CommandFailure(Detail, Field);

    /// <summary>An uploaded document refused for what it is (its size, its type by content).</summary>
    public sealed record DocumentRefused(DocumentProblem Problem, string Detail, string Field) : CommandFailure(Detail, Field);

    /// <summary>A round definition or roster with problems: every one, with its line and field.</summary>
    public sealed record DefinitionInvalid(DefinitionResult Result, string Field)
        : CommandFailure(string.Join("; ", Result.Errors.Select(p => p.ToString())), Field);

    /// <summary>The thing asked for does not exist (a round, a document, a subscription, a delivery).</summary>
    public sealed record NotFound(string Detail) : CommandFailure(Detail, null);

    /// <summary>The record kept changing under a read-modify-write, beyond its retries: trying again will do.</summary>
    public sealed record ChangedConcurrently(string Detail) : CommandFailure(Detail, null);

    /// <summary>The caller is not a coordinator: no credential (<see cref="AccessProblem.Unauthenticated"/>) or the wrong role.</summary>
    public sealed record Denied(AccessProblem Problem, string Detail) : CommandFailure(Detail, null);

    /// <summary>A refusal by the core, as a command failure.</summary>
    public static CommandFailure From(RoundDecision.Rejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        return new Refused(rejected.Code, rejected.Message, rejected.Code switch
        {
            // The refusals that are about one input: said beside it on a page, named in problem+json.
            RejectionCode.NotTheDelegate => DecisionReader.SignatoryPositionField,
            RejectionCode.DelegationWithoutApproval => DecisionReader.SignatureDelegatedToField,
            _ => null,
        });
    }
}

/// <summary>What was wrong with a request before it could become a command.</summary>
public enum InputProblem
{
    /// <summary>A required file was not sent.</summary>
    MissingFile,

    /// <summary>A definition or roster over its size limit.</summary>
    FileTooLarge,

    /// <summary>A new partner's name, officer or email is missing or malformed.</summary>
    BadPartner,

    /// <summary>A governance route the catalogue does not have.</summary>
    UnknownRoute,

    /// <summary>A date that is not a real date as YYYY-MM-DD.</summary>
    BadDate,

    /// <summary>A word the field does not take (an outcome, a revision's kind).</summary>
    UnknownChoice,

    /// <summary>A detail the command needs and was not given (a date, evidence, a reason).</summary>
    MissingDetail,

    /// <summary>An upload sent as something other than <c>multipart/form-data</c>.</summary>
    MultipartRequired,

    /// <summary>A page of a list asked for outside its bounds.</summary>
    PageOutOfRange,

    /// <summary>A webhook subscription without the URL to post to.</summary>
    WebhookUrlRequired,

    /// <summary>A webhook event type that is not in the catalogue.</summary>
    UnknownEventType,

    /// <summary>A webhook URL refused by the target guard (not HTTPS, a private address, a credential in it).</summary>
    WebhookUrlRefused,

    /// <summary>A secret rotation's grace period outside 0 to 168 hours.</summary>
    GraceOutOfRange,

    /// <summary>A replay of failed deliveries without the instant to replay from.</summary>
    SinceRequired,

    /// <summary>The development clock given a duration it cannot read, or asked to go backwards.</summary>
    BadDuration,

    /// <summary>The development clock given neither <c>advance</c> nor <c>set</c>.</summary>
    BadClock,

    /// <summary>An event feed cursor this service did not hand out.</summary>
    BadCursor,
}

/// <summary>Why a caller may not use the coordinator's API.</summary>
public enum AccessProblem
{
    /// <summary>No API key or token was sent, or it was not recognised.</summary>
    Unauthenticated,

    /// <summary>A valid token without the coordinator's role.</summary>
    Forbidden,
}

/// <summary>How a failure is answered over HTTP: its status, its problem type and its title.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Type">The problem type's last segment (kebab-case, stable: clients match on it).</param>
/// <param name="Title">A short summary.</param>
public sealed record FailureAnswer(int Status, string Type, string Title);

/// <summary>The one mapping from a failure to its HTTP answer, for the API and the pages alike.</summary>
/// <remarks>
/// Every case is named, with no fallback: a new <see cref="RejectionCode"/>, <see cref="InputProblem"/>
/// or <see cref="DocumentProblem"/> without an answer here fails the build (CS8509), so a code
/// can never reach a person as a generic 500 or an unexplained 409.
/// </remarks>
public static class FailureAnswers
{
    private const string CannotBeDone = "The request cannot be carried out";
    private const string NotValid = "The request is not valid";

    public static FailureAnswer For(CommandFailure failure) => failure switch
    {
        CommandFailure.Refused r => For(r.Code),
        CommandFailure.RegisterRefused r => For(r.Code),
        CommandFailure.Invalid i => For(i.Problem),
        CommandFailure.DocumentRefused d => For(d.Problem),
        CommandFailure.DefinitionInvalid => new(StatusCodes.Status422UnprocessableEntity, "invalid-definition", "The round definition has problems"),
        CommandFailure.NotFound => new(StatusCodes.Status404NotFound, "not-found", "Not found"),
        CommandFailure.ChangedConcurrently => new(StatusCodes.Status409Conflict, "concurrent-change", "The subscription kept changing"),
        CommandFailure.Denied { Problem: AccessProblem.Unauthenticated } => new(StatusCodes.Status401Unauthorized, "unauthorised", "An API key is required"),
        CommandFailure.Denied { Problem: AccessProblem.Forbidden } => new(StatusCodes.Status403Forbidden, "forbidden", "Not a coordinator"),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "No answer for this kind of failure."),
    };

#pragma warning disable CS8524 // every named value is answered; an unnamed one cannot be made by the core
    public static FailureAnswer For(RejectionCode code) => code switch
    {
        RejectionCode.RoundNotFound => new(StatusCodes.Status404NotFound, Type(code), "No such round"),
        RejectionCode.UnknownPartner => new(StatusCodes.Status404NotFound, Type(code), "No such partner"),
        RejectionCode.InvalidTrigger or RejectionCode.MissingDetail or RejectionCode.InvalidDate or RejectionCode.DuplicatePartner
            or RejectionCode.DuplicateOfficer or RejectionCode.SameDocument or RejectionCode.CalendarOutOfRange
            or RejectionCode.UnsignedDraft or RejectionCode.CounterpartReused
            => new(StatusCodes.Status422UnprocessableEntity, Type(code), CannotBeDone),
        RejectionCode.RoundCancelled => new(StatusCodes.Status409Conflict, Type(code), "The round has been cancelled"),
        RejectionCode.RoundEffective => new(StatusCodes.Status409Conflict, Type(code), "The agreement has already taken effect"),
        RejectionCode.PartnerWithdrawn => new(StatusCodes.Status409Conflict, Type(code), "The partner has withdrawn"),
        RejectionCode.PartnerRemoved => new(StatusCodes.Status409Conflict, Type(code), "The partner has been removed"),
        RejectionCode.StaleVersion => new(StatusCodes.Status409Conflict, Type(code), "That version is no longer current"),
        RejectionCode.RoundAlreadyExists or RejectionCode.NotAwaitingDecision or RejectionCode.NoConditionsPending or RejectionCode.NoCounterpartInReview
            or RejectionCode.NotAuthorised
            or RejectionCode.NotDeclined or RejectionCode.AlreadyAcknowledged or RejectionCode.TimerNotPending or RejectionCode.TimerNotDue
            or RejectionCode.NoCallInRunning or RejectionCode.NotCalledIn or RejectionCode.NoDecisionToCorrect
            or RejectionCode.PublishedMeetingUnchanged
            => new(StatusCodes.Status409Conflict, Type(code), CannotBeDone),
        RejectionCode.ResentRecently => new(StatusCodes.Status409Conflict, Type(code), "The invitation was sent moments ago"),
        RejectionCode.DelegationWithoutApproval => new(StatusCodes.Status422UnprocessableEntity, Type(code), "Only an approval can delegate the signature"),
        RejectionCode.NotTheDelegate => new(StatusCodes.Status422UnprocessableEntity, Type(code), "The counterpart is not signed by the delegate"),
        RejectionCode.PartnersFixedByAgreement => new(StatusCodes.Status409Conflict, Type(code), "The agreement says who this round goes to"),
    };

    public static FailureAnswer For(AgreementRejectionCode code) => code switch
    {
        AgreementRejectionCode.AgreementNotFound => new(StatusCodes.Status404NotFound, Type(code), "No such agreement"),
        AgreementRejectionCode.UnknownParty => new(StatusCodes.Status404NotFound, Type(code), "No such party"),
        AgreementRejectionCode.InvalidDate or AgreementRejectionCode.MissingDetail or AgreementRejectionCode.CalendarOutOfRange
            => new(StatusCodes.Status422UnprocessableEntity, Type(code), CannotBeDone),
        AgreementRejectionCode.AgreementEnded => new(StatusCodes.Status409Conflict, Type(code), "The agreement has ended"),
        AgreementRejectionCode.PartyExited => new(StatusCodes.Status409Conflict, Type(code), "The party has left"),
        AgreementRejectionCode.AlreadyOnNotice => new(StatusCodes.Status409Conflict, Type(code), "The party has already given notice"),
        AgreementRejectionCode.NotUnanimous => new(StatusCodes.Status409Conflict, Type(code), "Not every party signed the variation"),
        AgreementRejectionCode.StaleVersion => new(StatusCodes.Status409Conflict, Type(code), "That version is no longer in force"),
        AgreementRejectionCode.ChangeInFlight => new(StatusCodes.Status409Conflict, Type(code), "A round on this agreement is already going round"),
        AgreementRejectionCode.AgreementAlreadyExists or AgreementRejectionCode.DuplicateParty or AgreementRejectionCode.NoReviewDue
            or AgreementRejectionCode.NoContinuationDue or AgreementRejectionCode.TimerNotPending or AgreementRejectionCode.TimerNotDue
            => new(StatusCodes.Status409Conflict, Type(code), CannotBeDone),
    };

    public static FailureAnswer For(InputProblem problem) => problem switch
    {
        InputProblem.MissingFile => new(StatusCodes.Status400BadRequest, "missing-file", NotValid),
        InputProblem.FileTooLarge => new(StatusCodes.Status413PayloadTooLarge, "definition-too-large", "The file is too large"),
        InputProblem.BadPartner => new(StatusCodes.Status422UnprocessableEntity, "bad-partner", "The partner is not valid"),
        InputProblem.UnknownRoute => new(StatusCodes.Status422UnprocessableEntity, "unknown-route", "Unknown governance route"),
        InputProblem.BadDate => new(StatusCodes.Status422UnprocessableEntity, "bad-date", "The date is not valid"),
        InputProblem.UnknownChoice => new(StatusCodes.Status422UnprocessableEntity, "unknown-choice", "The choice is not one of those offered"),
        InputProblem.MissingDetail => new(StatusCodes.Status422UnprocessableEntity, "missing-input", "A detail is missing"),
        InputProblem.MultipartRequired => new(StatusCodes.Status400BadRequest, "multipart-required", NotValid),
        InputProblem.PageOutOfRange => new(StatusCodes.Status400BadRequest, "bad-page", NotValid),
        InputProblem.WebhookUrlRequired => new(StatusCodes.Status422UnprocessableEntity, "webhook-url-required", "A URL is required"),
        InputProblem.UnknownEventType => new(StatusCodes.Status422UnprocessableEntity, "unknown-event-type", "Unknown event type"),
        InputProblem.WebhookUrlRefused => new(StatusCodes.Status422UnprocessableEntity, "webhook-url-refused", "The webhook URL is not allowed"),
        InputProblem.GraceOutOfRange => new(StatusCodes.Status400BadRequest, "bad-grace", NotValid),
        InputProblem.SinceRequired => new(StatusCodes.Status400BadRequest, "since-required", NotValid),
        InputProblem.BadDuration => new(StatusCodes.Status400BadRequest, "bad-duration", NotValid),
        InputProblem.BadClock => new(StatusCodes.Status400BadRequest, "bad-clock", NotValid),
        InputProblem.BadCursor => new(StatusCodes.Status422UnprocessableEntity, "bad-cursor", "The cursor is not one the feed gave"),
    };

    public static FailureAnswer For(DocumentProblem problem) => problem switch
    {
        DocumentProblem.TooLarge => new(StatusCodes.Status413PayloadTooLarge, "document-too-large", "The document is too large"),
        DocumentProblem.Empty or DocumentProblem.NotPdfOrDocx or DocumentProblem.CorruptDocx
            => new(StatusCodes.Status415UnsupportedMediaType, "unsupported-document", "The document is not a PDF or Word file"),
        DocumentProblem.NotCounterpartType or DocumentProblem.UnreadablePdf or DocumentProblem.UnreadablePhoto
            => new(StatusCodes.Status415UnsupportedMediaType, "unsupported-counterpart", "The counterpart is not a readable PDF, Word file or photo"),
        DocumentProblem.NotThisAgreement => new(StatusCodes.Status422UnprocessableEntity, "not-this-agreement", "The counterpart does not name the agreement"),
        DocumentProblem.SignatureBroken => new(StatusCodes.Status422UnprocessableEntity, "signature-broken", "The counterpart's digital signature does not verify"),
        DocumentProblem.CounterpartUsedElsewhere => new(StatusCodes.Status422UnprocessableEntity, "counterpart-reused", "The file is already another partner's counterpart"),
    };
#pragma warning restore CS8524

    /// <summary>A round that could not confirm a command in time (the command is kept and applied once).</summary>
    public static FailureAnswer RoundBusy { get; } = new(StatusCodes.Status503ServiceUnavailable, "round-busy", "The round is busy");

    /// <summary>A body the framework could not read (malformed JSON, a value of the wrong type, the wrong media type), with the framework's status.</summary>
    public static FailureAnswer UnreadableRequest(int status) => new(status, "invalid-request", "The request could not be read");

    private static string Type(RejectionCode code) => RoundProcess.Kebab(code);

    // Prefixed: a register code may share a name with a round's (stale-version, missing-detail) but not its meaning.
    private static string Type(AgreementRejectionCode code) => "agreement-" + RoundProcess.Kebab(code);

    /// <summary>An agreement that could not confirm a command in time (the command is kept and applied once).</summary>
    public static FailureAnswer AgreementBusy { get; } = new(StatusCodes.Status503ServiceUnavailable, "agreement-busy", "The agreement is busy");
}
