using System.Globalization;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Host.Mail;

/// <summary>A labelled fact in an email ("Due by", "Conditions").</summary>
public sealed record EmailFact(string Label, string Value);

/// <summary>The call to action: one button, one link.</summary>
public sealed record EmailAction(string Label, string Url);

/// <summary>
/// What an email says, independent of format: the HTML part (a Razor component) and the
/// plain-text part are both rendered from this, so they can never say different things.
/// </summary>
/// <remarks>All strings are plain text; every renderer encodes them.</remarks>
public sealed record EmailContent(
    string Subject,
    string Greeting,
    string Heading,
    IReadOnlyList<string> Paragraphs,
    IReadOnlyList<EmailFact> Facts,
    EmailAction? Action,
    IReadOnlyList<string> Footnotes,
    double? Progress = null);

/// <summary>Turns a notification into what its email says: short, plain-spoken, personal, and clear about what to do next.</summary>
public static class EmailContentBuilder
{
    public static EmailContent Build(Notification n, Recipient to, string? link, RoundDigest? digest = null)
    {
        var org = n.OrganisationName ?? "your organisation";
        var agreement = n.AgreementTitle;
        var due = Date(n.DueOn);
        var facts = new List<EmailFact> { new("Agreement", $"{agreement} ({n.AgreementReference})") };
        if (n.OrganisationName is not null)
        {
            facts.Add(new("Organisation", n.OrganisationName));
        }

        facts.Add(new("Version", string.Create(CultureInfo.InvariantCulture, $"{n.Version} (SHA-256 {n.VersionSha256[..12]}…)")));
        if (n.DueOn is not null && n.Kind is not (NotificationKind.EffectiveNotice or NotificationKind.Cancellation))
        {
            facts.Add(new("Due by", due));
        }

        if (n.MeetingOn is { } meeting)
        {
            facts.Add(new("Meeting", Date(meeting)));
        }

        if (n.Body is not null && n.Kind is NotificationKind.DecisionConfirmation or NotificationKind.DeclineAlert or NotificationKind.Invitation or NotificationKind.DecisionCorrection)
        {
            facts.Add(new("Decision-making body", n.Body));
        }

        if (n.Conditions is not null)
        {
            facts.Add(new("Conditions", n.Conditions));
        }

        if (n.Reason is not null)
        {
            facts.Add(new("Reason", n.Reason));
        }

        var action = link is null ? null : new EmailAction(ActionLabel(n, to), link);
        var (subject, heading, paragraphs) = n.Kind switch
        {
            NotificationKind.Invitation when n.ChangeOf is AgreementChangeKind.Variation => (
                $"Please take a variation of {agreement} through governance by {due}",
                $"A variation of {agreement}: your decision is needed",
                new[]
                {
                    $"The partners propose a variation of “{agreement}”, which {org} is party to. The varied draft is attached. Please take it through {Possessive(org)} own governance and record the decision by {due}.",
                    "A variation takes effect only when every party has approved it and signed it. Until then the agreement stays in force as it is.",
                    "When the decision is taken, record it with the button below: the body, the date, the minute reference and any conditions. Once the decision is authorised you will be asked for a signed counterpart of the variation.",
                }),
            NotificationKind.Invitation when n.ChangeOf is AgreementChangeKind.Accession => (
                $"Please take joining {agreement} through governance by {due}",
                $"Joining {agreement}: your decision is needed",
                new[]
                {
                    $"The partnership invites {org} to join “{agreement}”. The agreement as it is in force is attached. Please take joining it through {Possessive(org)} own governance and record the decision by {due}.",
                    $"{org} joins when its signed counterpart is received. The existing parties do not sign again.",
                    "When the decision is taken, record it with the button below: the body, the date, the minute reference and any conditions. Once the decision is authorised you will be asked for a signed counterpart.",
                }),
            NotificationKind.Invitation => (
                $"Please take {agreement} through governance by {due}",
                $"{agreement}: your decision is needed",
                new[]
                {
                    $"The partnership asks {org} to take the agreement “{agreement}” through its own governance and record the decision by {due}.",
                    "When the decision is taken, record it with the button below: the body, the date, the minute reference and any conditions. Once the decision is authorised you will be asked for a signed counterpart.",
                }),
            NotificationKind.Reminder or NotificationKind.OverdueReminder when n.MeetingPassed => (
                $"Reminder: what did {org} decide on {agreement}?",
                $"What did {org} decide?",
                new[] { $"{Possessive(org)} meeting was on {Date(n.MeetingOn)}, and no decision on {agreement} has been recorded yet. If it was decided, please record the decision; if not, tell us the new meeting date from the same page." }),
            NotificationKind.Reminder => (
                $"Reminder: {agreement} is due by {due}",
                $"{DaysLeft(n.WorkingDaysLeft)} to record {Possessive(org)} decision",
                new[] { $"{Possessive(org)} decision on {agreement} is due by {due}. If a meeting date is now known, you can tell us from the same page." }),
            NotificationKind.OverdueReminder => (
                $"Overdue: {agreement} was due on {due}",
                $"{Possessive(org)} decision is overdue",
                new[] { $"{Possessive(org)} decision on {agreement} was due on {due}. Please record it, or tell us when the meeting will be." }),
            NotificationKind.OverdueEscalation when n.Overdue is { Count: > 1 } overdue => (
                string.Create(CultureInfo.InvariantCulture, $"Overdue: {overdue.Count} partners on {agreement}"),
                string.Create(CultureInfo.InvariantCulture, $"{overdue.Count} partners have not yet decided"),
                new[]
                {
                    string.Create(CultureInfo.InvariantCulture, $"These {overdue.Count} partners' decisions on {agreement} are past their due dates and have not been recorded. Each officer has been reminded."),
                }.Concat(overdue.Select(o => $"{o.Name}: due on {Date(o.DueOn)}")).ToArray()),
            NotificationKind.OverdueEscalation => (
                $"Overdue: {org} on {agreement}",
                $"{org} has not yet decided",
                new[] { $"{Possessive(org)} decision on {agreement} was due on {due} and has not been recorded. The officer has been reminded." }),
            NotificationKind.DecisionConfirmation => (
                $"Recorded: {org} {Words.AsVerb(n.Outcome)} {agreement}",
                $"{Possessive(org)} decision is recorded",
                new[] { $"SignOff has recorded that {org} {Words.AsVerb(n.Outcome)} {agreement}." }),
            NotificationKind.ConditionsAwaitingReview => (
                $"Conditions to review: {org} on {agreement}",
                $"{org} approved subject to conditions",
                new[] { "The coordinator needs to accept or reject these conditions before the approval can be authorised." }),
            NotificationKind.ConditionsOutcome => n.ConditionsAccepted
                ? ($"Your conditions on {agreement} are accepted", "Your conditions are accepted", new[] { $"The coordinator accepted {Possessive(org)} conditions. {n.Note}".Trim() })
                : ($"Your conditions on {agreement} could not be accepted", "Your conditions could not be accepted", new[] { $"The coordinator could not accept {Possessive(org)} conditions. Please take {agreement} back through your governance and record a new decision." }),
            NotificationKind.DeclineAlert => (
                $"Declined: {org} declined {agreement}",
                $"{org} declined",
                new[] { "The round is stalled until the coordinator removes the partner, revises the draft or cancels the round." }),
            NotificationKind.CounterpartRequest => (
                $"Please sign {Possessive(org)} counterpart of {agreement}",
                "Your decision is authorised: please sign",
                new[] { $"{Possessive(org)} decision is authorised. Please have {agreement} (version {n.Version}) signed and upload the signed counterpart." }),
            NotificationKind.CounterpartChase => (
                $"Still needed: {Possessive(org)} signed counterpart of {agreement}",
                "We are still waiting for your signed counterpart",
                new[] { $"The agreement takes effect only when every partner has signed. Please upload {Possessive(org)} signed counterpart of version {n.Version}." }),
            NotificationKind.CounterpartReceipt => (
                $"Received: {Possessive(org)} signed counterpart of {agreement}",
                "Counterpart received",
                new[] { $"SignOff has received {Possessive(org)} signed counterpart of version {n.Version}. Thank you." }),
            NotificationKind.CounterpartAwaitingReview => (
                $"Please review {Possessive(org)} counterpart of {agreement}",
                "A counterpart needs your review",
                new[]
                {
                    $"SignOff received {Possessive(org)} signed counterpart of version {n.Version}, but could not verify its signature. This round asks you to accept such counterparts before they count.",
                    n.Note ?? "",
                    "Open the partner's page to accept it, or reject it with a reason so the partner can send another.",
                }),
            NotificationKind.CounterpartReturned => (
                $"Please send {Possessive(org)} counterpart of {agreement} again",
                "Your counterpart could not be accepted",
                new[]
                {
                    $"The coordinator could not accept {Possessive(org)} signed counterpart of {agreement}: {n.Reason}",
                    $"Please upload another signed counterpart of version {n.Version}.",
                }),
            NotificationKind.RevisionNotice => (
                $"{agreement} has been revised (version {n.Version})",
                n.Revision == RevisionKind.Material ? "The draft has changed: a new decision is needed" : "An addendum to the draft",
                new[]
                {
                    n.Revision == RevisionKind.Material
                        ? $"The coordinator has circulated version {n.Version} with material changes. Earlier decisions and counterparts no longer count: please take it through your governance again."
                        : $"The coordinator has circulated version {n.Version} as a minor revision. Decisions already taken stand; counterparts must be of this final version.",
                    n.CounterpartSuperseded
                        ? $"The counterpart {org} signed was of an earlier version and no longer counts: please have version {n.Version} signed and upload the new counterpart."
                        : "",
                    n.Note is null ? "" : $"What changed: {n.Note}",
                }.Where(p => p.Length > 0).ToArray()),
            NotificationKind.WithdrawalNotice => (
                $"Withdrawn: {org} from {agreement}",
                $"{org} has withdrawn",
                new[] { "The other partners carry on; the agreement can take effect without it." }),
            NotificationKind.RemovalNotice => (
                $"Removed: {org} from {agreement}",
                $"{org} has been removed",
                new[] { "The coordinator removed the partner after it declined; the round continues without it." }),
            NotificationKind.DelegationNotice => (
                $"{agreement}: {Possessive(org)} role has been handed over",
                "A change of officer",
                new[] { n.Note ?? "" }),
            NotificationKind.DatesChanged => (
                $"Your dates have changed: {Possessive(org)} decision on {agreement} is due by {due}",
                "Your dates have changed",
                new[]
                {
                    $"The coordinator has changed {Possessive(org)} dates. Your decision is now due by {Date(n.DueOn)}.",
                    n.MeetingOn is null ? "" : $"The meeting is recorded as {Date(n.MeetingOn)}.",
                    "Reminders follow the new dates.",
                }.Where(p => p.Length > 0).ToArray()),
            NotificationKind.PublishedMeetingMoved => (
                $"Meeting moved to {Date(n.MeetingOn)}: {org} on {agreement}",
                $"{Possessive(org)} meeting has moved",
                new[]
                {
                    $"{Possessive(org)} published meeting calendar now lists {n.Body ?? "its deciding body"} on {Date(n.MeetingOn)}, not {Date(n.PreviousMeetingOn)} as before.",
                    $"SignOff has changed {Possessive(org)} meeting date for {agreement} to match, and reminders follow it. The decision is still due by {due}.",
                }),
            NotificationKind.PublishedMeetingCancelled => (
                $"Meeting cancelled: {org} on {agreement}",
                $"{Possessive(org)} meeting is no longer listed",
                new[]
                {
                    $"{Possessive(org)} published meeting calendar no longer lists {n.Body ?? "its deciding body"} on {Date(n.PreviousMeetingOn)}, or any meeting of it before the due date, {due}: it was cancelled or moved later.",
                    n.MeetingOn is { } stands
                        ? $"The meeting date a person entered, {Date(stands)}, stands."
                        : $"{Possessive(org)} meeting for {agreement} is now recorded as not yet scheduled. Please tell us the new date when it is known.",
                }),
            NotificationKind.Cancellation => (
                $"{agreement} has been cancelled",
                "The round has been cancelled",
                new[] { "Nothing more is needed from you for this round." }),
            NotificationKind.EffectiveNotice => (
                $"{agreement} took effect on {Date(n.EffectiveOn)}",
                "The agreement has taken effect",
                new[] { $"Every partner has signed. {agreement} took effect on {Date(n.EffectiveOn)}, the date the last counterpart arrived.", "The completion pack records every partner's decision and counterpart with their SHA-256 fingerprints: keep it with the signed agreement." }),
            NotificationKind.WebhookStopped => (
                $"Webhooks to {HostOf(n.Failure?.Destination ?? "a receiving system")} have stopped",
                "A webhook subscription has been disabled",
                new[]
                {
                    $"SignOff could not deliver the {n.Failure?.What ?? "event"} for {agreement} to {n.Failure?.Destination ?? "its address"}. {n.Failure?.Reason}",
                    "No more events go to that address until the subscription is resumed. Nothing is lost: every event is in the delivery log, and failed deliveries can be replayed once the receiving system is fixed.",
                }),
            NotificationKind.CalendarExhausted => (
                $"{agreement}: some reminders could not be scheduled",
                "Reminders need the bank-holiday data refreshed",
                new[]
                {
                    $"SignOff counts working days with the published bank holidays, and its copy ends before these dates, so it could not schedule: {n.Note}.",
                    "Nothing else is affected. Refresh the bank-holiday data (./signoff holidays, or the next release), and the round schedules them at its next change.",
                }),
            NotificationKind.DecisionCorrection => (
                $"Corrected: {Possessive(org)} decision on {agreement}",
                $"{Possessive(org)} decision has been corrected",
                new[] { $"The coordinator corrected the record of {Possessive(org)} decision: it now reads that {org} {Words.AsVerb(n.Outcome)} {agreement}.", n.Note ?? "" }
                    .Where(p => p.Length > 0).ToArray()),
            NotificationKind.CallInNotice => (
                $"Decision called in: {org} on {agreement}",
                $"{Possessive(org)} decision has been called in",
                new[] { $"{n.Body ?? "A scrutiny committee"} has called in {Possessive(org)} decision on {agreement}. It cannot be acted on, and no counterpart is asked for, until the call-in's outcome is recorded." }),
            NotificationKind.CallInOutcomeNotice => n.CallInOutcome == CallInOutcome.ReferredBack
                ? ($"Referred back: {Possessive(org)} decision on {agreement}", $"{Possessive(org)} decision was referred back",
                    new[] { $"The call-in referred {Possessive(org)} decision back. Please take {agreement} back to the decision-maker and record the new decision.", n.Note ?? "" }.Where(p => p.Length > 0).ToArray())
                : ($"Upheld: {Possessive(org)} decision on {agreement}", $"{Possessive(org)} decision was upheld",
                    new[] { $"The call-in upheld {Possessive(org)} decision: it can now be implemented, and a signed counterpart is asked for.", n.Note ?? "" }.Where(p => p.Length > 0).ToArray()),
            NotificationKind.ChairDigest => (
                $"Status of {agreement}",
                $"Where {agreement} stands",
                new[] { DigestLead(digest), "The link below shows every round you chair as it stands whenever you open it; this email is as it stood when sent." }),
            _ => throw new ArgumentOutOfRangeException(nameof(n), n.Kind, "No email content for this notification."),
        };

        subject = Fit(subject, agreement, n.OrganisationName);
        if (n.Coordinator is { } coordinator && to.Role != RecipientRole.Coordinator
            && n.Kind is NotificationKind.Invitation or NotificationKind.Reminder or NotificationKind.OverdueReminder)
        {
            // Who is asking: a name and an address a reply reaches (the email's Reply-To too).
            paragraphs = [.. paragraphs, $"{coordinator.Name} coordinates this round for the partnership: reply to this email, or write to {coordinator.Email}, with any question."];
        }

        var footnotes = new List<string>();
        if (n.Source is { } source && n.Kind is NotificationKind.PublishedMeetingMoved or NotificationKind.PublishedMeetingCancelled)
        {
            facts.Add(new("Previously listed", Date(n.PreviousMeetingOn)));
            facts.Add(new("Published calendar", source));
        }

        if (n.Kind == NotificationKind.WebhookStopped && n.Failure is { } stopped)
        {
            facts.Add(new("Subscription", stopped.StoppedSubscription ?? ""));
            facts.Add(new("Address", stopped.Destination));
            facts.Add(new("Event", $"{stopped.What} ({stopped.Reference})"));
            footnotes.Add("Resume it with POST /api/webhooks/{id}/resume, then replay with POST /api/webhooks/{id}/replay.");
        }

        if (link is not null && to.Role == RecipientRole.Officer)
        {
            footnotes.Add("This link is for you alone. Opening it changes nothing until you press a button on the page.");
        }
        else if (link is not null && to.Role == RecipientRole.Chair)
        {
            // A chair's page has no buttons: it only shows where the rounds stand.
            footnotes.Add("This link is for you alone. The page it opens shows where your rounds stand and changes nothing.");
        }

        footnotes.Add($"Sent by SignOff for the {agreement} round.");
        if (digest is not null)
        {
            AddDigest(facts, digest);
        }

        return new EmailContent(subject, $"Dear {to.Person.Name},", heading, paragraphs, facts, action, footnotes, digest?.Progress);
    }

    /// <summary>The digest in one sentence, for the inbox preview: progress, then who needs chasing.</summary>
    private static string DigestLead(RoundDigest? d)
    {
        if (d is null)
        {
            return "The round's latest position follows.";
        }

        var signed = string.Create(CultureInfo.InvariantCulture, $"{d.Signed} of {d.Partners} partners have signed");
        var attention = new List<string>();
        if (!d.Overdue.IsEmpty)
        {
            attention.Add(d.Overdue.Count == 1 ? $"{d.Overdue[0].Name} is overdue" : string.Create(CultureInfo.InvariantCulture, $"{d.Overdue.Count} partners are overdue"));
        }

        if (!d.MeetingsPassed.IsEmpty)
        {
            attention.Add(d.MeetingsPassed.Count == 1 ? $"{d.MeetingsPassed[0].Name} met with no decision recorded"
                : string.Create(CultureInfo.InvariantCulture, $"{d.MeetingsPassed.Count} partners met with no decision recorded"));
        }

        return attention.Count == 0
            ? $"{signed}, and nobody is overdue. The deadline is {Date(d.Deadline)}."
            : $"{signed}; {string.Join("; ", attention)}. The deadline is {Date(d.Deadline)}.";
    }

    private static void AddDigest(List<EmailFact> facts, RoundDigest d)
    {
        facts.Add(new("Signed", string.Create(CultureInfo.InvariantCulture, $"{d.Signed} of {d.Partners} partners ({Math.Round(d.Progress * 100):0}%)")));
        facts.Add(new("By status", string.Join(", ", d.ByStatus.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{Words.For(kv.Key)} {kv.Value}")))));
        facts.Add(new("Overdue", d.Overdue.IsEmpty ? "None" : string.Join("; ", d.Overdue.Select(l => $"{l.Name} (due {Date(l.On)})"))));
        facts.Add(new("Meetings in the next 14 days", d.UpcomingMeetings.IsEmpty ? "None" : string.Join("; ", d.UpcomingMeetings.Select(l => $"{l.Name}: {l.Detail}, {Date(l.On)}"))));
        facts.Add(new("Meetings passed with no decision recorded", d.MeetingsPassed.IsEmpty ? "None" : string.Join("; ", d.MeetingsPassed.Select(l => $"{l.Name}: {l.Detail}, {Date(l.On)}"))));
        facts.Add(new("Awaiting a signed counterpart", d.AwaitingCounterpart.IsEmpty ? "None" : string.Join("; ", d.AwaitingCounterpart.Select(l => $"{l.Name}: {l.Detail}"))));
        if (d.StallReason is { } stalled)
        {
            facts.Add(new("Stalled because", stalled));
        }

        facts.Add(new("Conditions awaiting the coordinator", d.ConditionsPending.IsEmpty ? "None" : string.Join("; ", d.ConditionsPending.Select(l => $"{l.Name}: {l.Detail}"))));
        facts.Add(new("Deadline", Date(d.Deadline)));
    }

    /// <summary>The longest subject SignOff sends: about what an inbox shows before cutting it off.</summary>
    public const int SubjectLimit = 80;

    /// <summary>
    /// A subject within <see cref="SubjectLimit"/>: the agreement's title is shortened with "…"
    /// (never the action, which comes first), then, if that is not enough, the partner's name.
    /// </summary>
    internal static string Fit(string subject, string agreement, string? org)
    {
        foreach (var name in new[] { agreement, org })
        {
            if (subject.Length <= SubjectLimit || name is null || !subject.Contains(name, StringComparison.Ordinal))
            {
                continue;
            }

            var keep = Math.Max(20, name.Length - (subject.Length - SubjectLimit) - 1);
            if (keep < name.Length)
            {
                subject = subject.Replace(name, Shorten(name, keep), StringComparison.Ordinal);
            }
        }

        return subject.Length <= SubjectLimit ? subject : subject[..(SubjectLimit - 1)].TrimEnd() + "…";
    }

    /// <summary>The first words of a name that fit in <paramref name="keep"/> characters, and "…".</summary>
    private static string Shorten(string name, int keep)
    {
        var cut = name[..keep];
        var space = cut.LastIndexOf(' ');
        return (space > keep / 2 ? cut[..space] : cut).TrimEnd(' ', ',', ':', ';', '-') + "…";
    }

    /// <summary>The possessive of a name: "Networks'" for a name ending in s, "Council's" otherwise.</summary>
    public static string Possessive(string name) =>
        name.EndsWith('s') || name.EndsWith('S') ? name + "'" : name + "'s";

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : url;

    private static string ActionLabel(Notification n, Recipient to) => to.Role == RecipientRole.Coordinator
        ? n.PartnerId is null ? "Open the round" : $"Open {Possessive(n.OrganisationName ?? "the partner")} page"
        : n.Kind switch
    {
        NotificationKind.CounterpartRequest or NotificationKind.CounterpartChase or NotificationKind.CounterpartReturned => "Upload the signed counterpart",
        NotificationKind.CounterpartAwaitingReview => "Review the counterpart",
        NotificationKind.DelegationNotice or NotificationKind.RevisionNotice or NotificationKind.ConditionsOutcome or NotificationKind.DecisionCorrection
            or NotificationKind.CallInOutcomeNotice => "Open the agreement",
        NotificationKind.ChairDigest or NotificationKind.OverdueEscalation or NotificationKind.DeclineAlert => "See every round's status",
        _ => "Record the decision",
    };

    private static string DaysLeft(int? days) => days switch
    {
        null => "A few days",
        1 => "One working day",
        var d => string.Create(CultureInfo.InvariantCulture, $"{d} working days"),
    };

    /// <summary>A date in full, or nothing: an email leaves out what it does not know rather than showing a dash.</summary>
    private static string Date(DateOnly? date) => date is { } d ? UkDates.Long(d) : "";
}
