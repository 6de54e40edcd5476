using System.Globalization;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Core.Wording;

namespace SignOff.Host.Mail;

/// <summary>What an email from the agreement register says: the action or the news first, then the facts.</summary>
/// <remarks>
/// The register has no pages yet, so these emails carry no button: the coordinator records reviews
/// and views on carrying on through the API. When the register's pages come, the coordinator's
/// copies gain the link to the agreement.
/// </remarks>
public static class AgreementEmailContent
{
    /// <summary>The email one recipient gets about a notice.</summary>
    public static EmailContent Build(AgreementNotice n, Recipient to)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(to);
        var title = n.Title;
        var party = n.PartyName ?? "A party";
        var on = UkDates.Long(n.On);
        var coordinator = to.Role == RecipientRole.Coordinator;
        var (subject, heading, paragraphs) = n.Kind switch
        {
            AgreementNoticeKind.ReviewReminder => (
                $"Review due in {Plural(n.WorkingDaysLeft ?? 0, "working day")}: {title}",
                $"{title} is due for review on {on}",
                Lines($"The agreement's review is due on {on}, {Plural(n.WorkingDaysLeft ?? 0, "working day")} from now.",
                    coordinator ? "Record the review's outcome in SignOff's register once the partnership has met." : "The coordinator will ask for your organisation's view.")),
            AgreementNoticeKind.ReviewDue => (
                $"Record the review of {title}",
                $"The review of {title} is due today",
                Lines($"The review was due on {on}. Record its outcome — no change, or a variation needed — in SignOff's register.")),
            AgreementNoticeKind.NoticeGiven => (
                $"Notice given: {party} is leaving {title}",
                $"{party} has given notice to leave {title}",
                Lines($"{party} stays bound by the agreement until {on} and leaves the day after.",
                    "The agreement continues for the other parties.",
                    coordinator ? "You will be asked for the partnership's view on carrying on once it has left." : null)),
            AgreementNoticeKind.PartyExited => (
                coordinator ? $"Record the view on carrying on: {party} left {title}" : $"Party left: {party} is no longer bound by {title}",
                $"{party} has left {title}",
                Lines($"{party}'s notice ended on {on}: it is no longer bound by the agreement.",
                    "The agreement continues for the remaining parties.",
                    coordinator ? "Record the partnership's view on carrying on in SignOff's register." : null)),
            AgreementNoticeKind.Varied => (
                $"Version {n.Version} now in force: {title}",
                $"Version {n.Version} of {title} is now in force",
                Lines($"Every party signed the variation; it took effect on {on}.")),
            AgreementNoticeKind.PartyJoined => (
                $"New party: {party} joined {title}",
                $"{party} has joined {title}",
                Lines($"{party} signed version {n.Version.ToString(CultureInfo.InvariantCulture)} and is bound from {on}. Nobody else needs to sign again.")),
            AgreementNoticeKind.WebhookStopped => (
                $"Webhooks to {HostOf(n.Failure?.Destination ?? "a receiving system")} have stopped",
                "A webhook subscription has been disabled",
                Lines($"SignOff could not deliver the {n.Failure?.What ?? "event"} for {title} to {n.Failure?.Destination ?? "its address"}. {n.Failure?.Reason}",
                    "No more events go to that address until the subscription is resumed. Nothing is lost: every event is in the delivery log, and failed deliveries can be replayed once the receiving system is fixed.")),
            _ => throw new ArgumentOutOfRangeException(nameof(n), n.Kind, "An agreement notice of a kind the register does not send."),
        };

        var facts = new List<EmailFact> { new("Agreement", $"{title} ({n.Reference})") };
        if (n.PartyName is not null)
        {
            facts.Add(new("Party", n.PartyName));
        }

        if (n.Kind == AgreementNoticeKind.NoticeGiven)
        {
            facts.Add(new("Bound until", on));
        }

        var footnotes = coordinator ? [] : new List<string> { $"Questions? Reply to this email to reach {n.Coordinator.Name}, who keeps the register." };
        if (n.Kind == AgreementNoticeKind.WebhookStopped && n.Failure is { } stopped)
        {
            facts.Add(new("Subscription", stopped.StoppedSubscription ?? ""));
            facts.Add(new("Address", stopped.Destination));
            facts.Add(new("Event", $"{stopped.What} ({stopped.Reference})"));
            footnotes.Add("Resume it with POST /api/webhooks/{id}/resume, then replay with POST /api/webhooks/{id}/replay.");
        }

        if (n.Reason is { Length: > 0 } reason)
        {
            facts.Add(new("Reason given", reason));
        }

        facts.Add(new("Version in force", n.Version.ToString(CultureInfo.InvariantCulture)));
        return new EmailContent(EmailContentBuilder.Fit(subject, title, n.PartyName), $"Dear {to.Person.Name},", heading, paragraphs, facts, null, footnotes);
    }

    private static List<string> Lines(params string?[] lines) => [.. lines.OfType<string>()];

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : url;

    private static string Plural(int n, string word) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? word : word + "s");
}
