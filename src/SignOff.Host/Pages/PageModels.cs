using SignOff.Host.Commands;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Pages.Shared;

namespace SignOff.Host.Pages;

/// <summary>A plain page: a heading and a few sentences; for a confirmation, also what was recorded and where to go next.</summary>
/// <param name="Title">The heading, and the first part of the tab's title.</param>
/// <param name="Paragraphs">The sentences, one paragraph each.</param>
/// <param name="BackHref">Where a back link above the heading leads, if there is one.</param>
/// <param name="BackLabel">The back link's words.</param>
/// <param name="Recorded">
/// What a confirmation repeats back, row by row (empty for other pages): the person sees that what
/// they meant is what was kept, without opening the email that follows.
/// </param>
/// <param name="Next">The one thing to do next, when there is one, as a link to where it is done.</param>
public sealed record MessageModel(string Title, IReadOnlyList<string> Paragraphs, string? BackHref = null, string? BackLabel = null,
    IReadOnlyList<RecordedRow>? Recorded = null, OnwardLink? Next = null);

/// <summary>One row of what a confirmation page repeats back: the answer's name and what was recorded.</summary>
public sealed record RecordedRow(string Label, string Value);

/// <summary>A link onwards from a confirmation page, named for what it leads to.</summary>
public sealed record OnwardLink(string Href, string Text);

/// <summary>The coordinator's sign-in page.</summary>
/// <param name="ReturnUrl">Where to go once signed in (a path on this site).</param>
/// <param name="Errors">The key form's problems.</param>
/// <param name="Organisation">True when coordinators can sign in with their organisation's account (OpenID Connect).</param>
/// <param name="Keys">True when the API key form is offered.</param>
public sealed record SignInModel(string ReturnUrl, FormErrors Errors, bool Organisation = false, bool Keys = true);

/// <summary>The list of rounds.</summary>
public sealed record RoundsModel(IReadOnlyList<RoundListItem> Rounds, string? Status);

/// <summary>A round in the list, with how far along it is and what in it needs the coordinator.</summary>
/// <param name="RoundId">The round's id.</param>
/// <param name="Title">The agreement's title.</param>
/// <param name="Reference">The agreement's reference.</param>
/// <param name="Status">Where the round stands.</param>
/// <param name="Deadline">The date every partner is asked to have signed by.</param>
/// <param name="Signed">Partners signed.</param>
/// <param name="Partners">Partners remaining.</param>
/// <param name="LaunchedOn">The day it was launched: tells apart two rounds of the same agreement.</param>
/// <param name="Attention">What in it needs the coordinator today, most pressing first (<see cref="RoundAttention"/>).</param>
/// <param name="ChangeOf">A variation or an accession of an agreement in force (null: the round makes an agreement).</param>
public sealed record RoundListItem(string RoundId, string Title, string Reference, RoundStatus Status, DateOnly Deadline, int Signed, int Partners, DateOnly LaunchedOn, IReadOnlyList<AttentionItem> Attention,
    SignOff.Core.Agreements.AgreementChangeKind? ChangeOf = null);

/// <summary>The launch page: the files to upload, and any problems with the last attempt.</summary>
/// <param name="Errors">The problems, one per field.</param>
/// <param name="DefinitionProblems">Every problem in the definition or roster, listed at the field.</param>
/// <param name="Routes">The governance routes' ids.</param>
/// <param name="DefinitionText">The definition the problems were found in, so they can name partners as well as number them.</param>
public sealed record LaunchModel(FormErrors Errors, IReadOnlyList<DefinitionProblem> DefinitionProblems, IReadOnlyList<string> Routes, string? DefinitionText = null);

/// <summary>The round as it will run, before it is sent, with any refusal of the confirmation.</summary>
/// <param name="Preview">The round as it will run.</param>
/// <param name="Errors">Why the confirmation was refused.</param>
/// <param name="Built">True when the round came from the round builder's form: the way back changes the form, not the files.</param>
public sealed record LaunchPreviewModel(SignOff.Host.Commands.LaunchPreview Preview, FormErrors Errors, bool Built = false);

/// <summary>The round builder: the form as typed, the routes to choose from, and any problems.</summary>
/// <param name="Form">What the coordinator typed.</param>
/// <param name="Routes">Every governance route, by name: the partners' choices and the list that says what each means.</param>
/// <param name="Errors">The problems, each beside its field.</param>
/// <param name="RosterProblems">Every problem in a roster that could not be imported, with its line.</param>
/// <param name="Notice">What the last button did, e.g. "3 partners added from the roster."</param>
/// <param name="Draft">The draft already chosen and stored, carried by the page so it need not be chosen again.</param>
public sealed record RoundBuilderModel(RoundBuilderForm Form, IReadOnlyList<GovernanceRoute> Routes, FormErrors Errors, IReadOnlyList<DefinitionProblem> RosterProblems,
    string? Notice, DocumentRef? Draft);

/// <summary>One line of a round's timeline.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Text, string By, IReadOnlyList<string> Details);

/// <summary>A round's page: its partners, timeline and the coordinator's actions.</summary>
public sealed record RoundModel(RoundState Round, DateOnly Today, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<string> Routes, string? Notice, FormErrors Errors, FormValues Values, string? ErrorForm);

/// <summary>One partner's page in a round, with what the coordinator can do for it.</summary>
public sealed record PartnerModel(RoundState Round, PartnerState Partner, DateOnly Today, IReadOnlyList<TimelineEntry> Timeline, string? Notice, FormErrors Errors, FormValues Values, string? ErrorForm,
    IssuedLink? Link = null);

/// <summary>The officer's page, reached from an emailed link.</summary>
public sealed record RespondModel(string Token, RoundState Round, PartnerState Partner, DateOnly Today, FormErrors Errors, FormValues Values, string? ErrorForm);

/// <summary>
/// The officer's "check your answers" page: the decision as it will be recorded, before anything is.
/// </summary>
/// <param name="Action">Where the confirmation posts: the officer's link, or the coordinator's partner page action.</param>
/// <param name="ChangeAddress">The page with the decision form, which takes the answers back from its query for a "Change" link.</param>
/// <param name="OnBehalf">True when the coordinator records it on the partner's behalf, with evidence.</param>
/// <param name="Round">The round.</param>
/// <param name="Partner">The partner deciding.</param>
/// <param name="Decision">The decision as read from the form, on the version the form showed.</param>
/// <param name="Values">The form's values, carried as hidden fields to the confirmation and into the "Change" links.</param>
/// <param name="Submission">The form's submission id, carried to the confirmation so it makes the same trigger id.</param>
public sealed record DecisionCheckModel(string Action, string ChangeAddress, bool OnBehalf, RoundState Round, PartnerState Partner, RecordDecision Decision, FormValues Values, string Submission);

/// <summary>The chair's (or coordinator's) digest across rounds.</summary>
public sealed record DigestModel(string For, IReadOnlyList<RoundDigest> Rounds, DateOnly Today, bool Coordinator);
