using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Mail;

namespace SignOff.Integration.Tests.Mail;

/// <summary>Every email, in HTML and text, including hostile and awkward names.</summary>
public sealed class EmailRenderingTests
{
    private static readonly EmailRenderer Renderer = new(
        new ServiceCollection().AddLogging().BuildServiceProvider(),
        LoggerFactory.Create(_ => { }));

    private const string Hostile = "<script>alert('x')</script> & Co \"Ltd\"";

    private static Notification Make(NotificationKind kind, string organisation = "Maldon District Council", string officer = "Jo Bloggs") => new(
        kind,
        [new Recipient(new Person(officer, "jo@maldon.example"), RecipientRole.Officer)],
        "round-1",
        "Mid Essex Alliance Memorandum of Understanding",
        "MEA-MOU-2021",
        2,
        new string('a', 64),
        PartnerId: "maldon-district-council",
        OrganisationName: organisation,
        DueOn: new DateOnly(2021, 7, 30),
        MeetingOn: new DateOnly(2021, 6, 30),
        EffectiveOn: new DateOnly(2021, 7, 31),
        Outcome: DecisionOutcome.ApprovedWithConditions,
        Body: "Full Council",
        Conditions: "Annex 6 data-sharing terms agreed",
        Reason: kind == NotificationKind.RevisionNotice ? null : "Trustees asked for legal advice",
        Note: "Updated Annex 6",
        WorkingDaysLeft: 5,
        Failure: kind == NotificationKind.WebhookStopped
            ? new DeliveryFailure(DeliveryChannel.Webhook, "msg_1", "round.started event", "https://dashboard.example/hook", "The receiver answered 410 Gone.", $"wh_1 ({organisation})")
            : null,
        Revision: kind == NotificationKind.RevisionNotice ? RevisionKind.Minor : null);

    public static TheoryData<NotificationKind> Kinds() => [.. Enum.GetValues<NotificationKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_notification_renders_html_and_text_that_say_the_same_things(NotificationKind kind)
    {
        var n = Make(kind);
        var email = await Renderer.RenderAsync(n, n.To[0], "https://signoff.example/respond/TOKEN");

        Assert.False(string.IsNullOrWhiteSpace(email.Subject));
        Assert.StartsWith("<!DOCTYPE html>", email.Html.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("lang=\"en\"", email.Html);
        Assert.Contains("Dear Jo Bloggs,", email.Text);
        Assert.Contains("Dear Jo Bloggs,", email.Html);
        Assert.Contains("https://signoff.example/respond/TOKEN", email.Text);
        Assert.Contains("href=\"https://signoff.example/respond/TOKEN\"", email.Html);
        Assert.Contains("MEA-MOU-2021", email.Text);
        foreach (var line in email.Text.Split('\n').Where(l => l.Contains(": ", StringComparison.Ordinal) && !l.StartsWith("http", StringComparison.Ordinal)))
        {
            var value = line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            Assert.Contains(value, System.Net.WebUtility.HtmlDecode(email.Html));
        }
    }

    [Fact]
    public async Task A_revision_notice_says_whether_decisions_stand_and_a_conditions_outcome_whether_they_were_accepted()
    {
        var minor = await Renderer.RenderAsync(Make(NotificationKind.RevisionNotice), Make(NotificationKind.RevisionNotice).To[0], null);
        var material = Make(NotificationKind.RevisionNotice) with { Revision = RevisionKind.Material };
        var accepted = Make(NotificationKind.ConditionsOutcome) with { Reason = null, ConditionsAccepted = true };
        var rejected = Make(NotificationKind.ConditionsOutcome) with { Reason = "The board's membership is fixed." };

        Assert.Contains("Decisions already taken stand", minor.Text);
        Assert.Contains("please take it through your governance again", (await Renderer.RenderAsync(material, material.To[0], null)).Text);
        Assert.Contains("are accepted", (await Renderer.RenderAsync(accepted, accepted.To[0], null)).Subject);
        var rejection = await Renderer.RenderAsync(rejected, rejected.To[0], null);
        Assert.Contains("could not be accepted", rejection.Subject);
        Assert.Contains("The board's membership is fixed.", rejection.Text);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Hostile_names_are_encoded_never_executed(NotificationKind kind)
    {
        var n = Make(kind, organisation: Hostile, officer: Hostile);

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        Assert.DoesNotContain("<script>", email.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", email.Html);
        Assert.Contains(Hostile, email.Text);
    }

    [Fact]
    public async Task Very_long_and_non_ascii_names_survive()
    {
        var name = string.Concat(Enumerable.Repeat("Llanfairpwllgwyngyll Ysbyty Gwynedd — Cyngor Sir Ynys Môn ", 20));
        var n = Make(NotificationKind.Invitation, organisation: name, officer: "Siân Ó Súilleabháin");

        var email = await Renderer.RenderAsync(n, n.To[0], "https://signoff.example/respond/TOKEN");

        Assert.Contains("Dear Siân Ó Súilleabháin,", email.Text);
        Assert.Contains("Siân Ó Súilleabháin", System.Net.WebUtility.HtmlDecode(email.Html));
        Assert.Contains(name.Trim(), email.Text);
        Assert.Contains("word-break", email.Html);
    }

    private const string LongTitle = "Mid and North Essex Health, Care and Wellbeing Partnership Collaboration Agreement and Data Sharing Protocol 2026 to 2031";

    private const string LongPartner = "Mid and South Essex NHS Foundation Trust and Associated Community Health Networks";

    /// <summary>The words each kind's subject starts with: the action, so an inbox can be scanned.</summary>
    private static readonly Dictionary<NotificationKind, string> SubjectActions = new()
    {
        [NotificationKind.Invitation] = "Please take",
        [NotificationKind.Reminder] = "Reminder:",
        [NotificationKind.OverdueReminder] = "Overdue:",
        [NotificationKind.OverdueEscalation] = "Overdue:",
        [NotificationKind.DecisionConfirmation] = "Recorded:",
        [NotificationKind.ConditionsAwaitingReview] = "Conditions to review:",
        [NotificationKind.ConditionsOutcome] = "Your conditions on",
        [NotificationKind.DeclineAlert] = "Declined:",
        [NotificationKind.CounterpartRequest] = "Please sign",
        [NotificationKind.CounterpartChase] = "Still needed:",
        [NotificationKind.CounterpartReceipt] = "Received:",
        [NotificationKind.CounterpartAwaitingReview] = "Please review",
        [NotificationKind.CounterpartReturned] = "Please send",
        [NotificationKind.RevisionNotice] = "Mid and North Essex",
        [NotificationKind.WithdrawalNotice] = "Withdrawn:",
        [NotificationKind.RemovalNotice] = "Removed:",
        [NotificationKind.DelegationNotice] = "Mid and North Essex",
        [NotificationKind.Cancellation] = "Mid and North Essex",
        [NotificationKind.EffectiveNotice] = "Mid and North Essex",
        [NotificationKind.ChairDigest] = "Status of",
        [NotificationKind.WebhookStopped] = "Webhooks to",
        [NotificationKind.CalendarExhausted] = "Mid and North Essex",
        [NotificationKind.DecisionCorrection] = "Corrected:",
        [NotificationKind.CallInNotice] = "Decision called in:",
        [NotificationKind.CallInOutcomeNotice] = "Upheld:",
        [NotificationKind.DatesChanged] = "Your dates have changed:",
        [NotificationKind.PublishedMeetingMoved] = "Meeting moved to",
        [NotificationKind.PublishedMeetingCancelled] = "Meeting cancelled:",
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Every_subject_starts_with_its_action_and_fits_in_80_characters_with_a_long_title_and_partner_name(NotificationKind kind)
    {
        var n = Make(kind, LongPartner) with { AgreementTitle = LongTitle };

        var subject = (await Renderer.RenderAsync(n, n.To[0], null)).Subject;

        Assert.True(subject.Length <= EmailContentBuilder.SubjectLimit, $"{subject.Length} characters: {subject}");
        Assert.StartsWith(SubjectActions[kind], subject, StringComparison.Ordinal);
        Assert.DoesNotContain("s's", subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SignOff.Core.Agreements.AgreementChangeKind.Variation, "Please take a variation of", "stays in force as it is")]
    [InlineData(SignOff.Core.Agreements.AgreementChangeKind.Accession, "Please take joining", "do not sign again")]
    public async Task An_invitation_to_vary_or_join_an_agreement_in_force_says_so_within_80_characters(SignOff.Core.Agreements.AgreementChangeKind change, string action, string says)
    {
        var n = Make(NotificationKind.Invitation, LongPartner) with { AgreementTitle = LongTitle, ChangeOf = change };

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        Assert.True(email.Subject.Length <= EmailContentBuilder.SubjectLimit, $"{email.Subject.Length} characters: {email.Subject}");
        Assert.StartsWith(action, email.Subject, StringComparison.Ordinal);
        Assert.Contains(says, email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_ending_in_s_takes_an_apostrophe_alone()
    {
        var n = Make(NotificationKind.CounterpartRequest, "Essex Community Networks");

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        Assert.Equal("Please sign Essex Community Networks' counterpart of Mid Essex Alliance…", email.Subject);
        Assert.DoesNotContain("Networks's", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sixteen_overdue_partners_make_one_escalation_that_names_them_all()
    {
        var overdue = Enumerable.Range(1, 16).Select(i => new OverduePartner($"p{i}", $"Partner Council {i}", new DateOnly(2021, 7, 30))).ToImmutableList();
        var n = Make(NotificationKind.OverdueEscalation) with { PartnerId = null, OrganisationName = null, Overdue = overdue };

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        Assert.StartsWith("Overdue: 16 partners on", email.Subject, StringComparison.Ordinal);
        Assert.All(overdue, o => Assert.Contains($"{o.Name}: due on 30 July 2021", email.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reminder_after_the_meeting_asks_what_was_decided()
    {
        var n = Make(NotificationKind.Reminder) with { MeetingPassed = true };

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        Assert.StartsWith("Reminder: what did Maldon District Council decide", email.Subject, StringComparison.Ordinal);
        Assert.Contains("meeting was on 30 June 2021", email.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("If a meeting date is now known", email.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task The_text_part_s_first_line_is_the_point_of_the_email(NotificationKind kind)
    {
        var n = Make(kind);

        var email = await Renderer.RenderAsync(n, n.To[0], null);

        var first = email.Text.Split('\n')[0].Trim();
        Assert.DoesNotContain("===", email.Text, StringComparison.Ordinal);
        Assert.False(first.StartsWith("Dear", StringComparison.Ordinal), first);
        Assert.True(first.Length > 5, first);
    }

    [Fact]
    public async Task The_invitation_says_what_is_asked_by_when()
    {
        var n = Make(NotificationKind.Invitation);

        var email = await Renderer.RenderAsync(n, n.To[0], "https://signoff.example/respond/TOKEN");

        // Issue 17: the action and the agreement first, within 80 characters; the title is shortened, never the action.
        Assert.Equal("Please take Mid Essex Alliance Memorandum… through governance by 30 July 2021", email.Subject);
        Assert.Contains("Due by: 30 July 2021", email.Text);
        Assert.Contains("Record the decision:", email.Text);
        Assert.Contains("Opening it changes nothing until you press a button on the page.", email.Text);
    }

    [Fact]
    public async Task A_chairs_link_says_nothing_of_buttons_their_page_does_not_have()
    {
        var n = Make(NotificationKind.ChairDigest) with { To = [new Recipient(new Person("Pat Morgan", "chair@alliance.example"), RecipientRole.Chair)] };

        var email = await Renderer.RenderAsync(n, n.To[0], "https://signoff.example/chair/TOKEN");

        // Issue 17: the chair's page only shows where rounds stand; there is no button to press.
        Assert.DoesNotContain("button", email.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("The page it opens shows where your rounds stand and changes nothing.", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chair_digest_shows_progress_and_who_needs_attention()
    {
        var n = Make(NotificationKind.ChairDigest) with { To = [new Recipient(new Person("Pat Morgan", "chair@alliance.example"), RecipientRole.Chair)] };
        var digest = new RoundDigest("round-1", n.AgreementTitle, RoundStatus.Circulating, 4,
            System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(new Dictionary<PartnerStatus, int> { [PartnerStatus.Signed] = 1, [PartnerStatus.Invited] = 3 }),
            [new DigestLine("chelmsford", "Chelmsford City Council", "decision overdue", new DateOnly(2021, 7, 9))],
            [new DigestLine("farleigh", "Farleigh <Hospice>", "Board of Trustees", new DateOnly(2021, 7, 20))],
            [], 1, new DateOnly(2021, 7, 30));

        var email = await Renderer.RenderAsync(n, n.To[0], null, digest);

        Assert.Contains("1 of 4 partners have signed; Chelmsford City Council is overdue. The deadline is 30 July 2021.", email.Text);
        Assert.DoesNotContain("on its page", email.Text, StringComparison.Ordinal);
        Assert.Contains("[#####...............] 25% signed", email.Text);
        Assert.Contains("Signed: 1 of 4 partners (25%)", email.Text);
        Assert.Contains("Overdue: Chelmsford City Council (due 9 July 2021)", email.Text);
        Assert.Contains("Meetings in the next 14 days: Farleigh <Hospice>: Board of Trustees, 20 July 2021", email.Text);
        Assert.Contains("Conditions awaiting the coordinator: None", email.Text);
        Assert.Contains("aria-label=\"25% of partners have signed\"", email.Html);
        Assert.Contains("Farleigh &lt;Hospice&gt;", email.Html);
    }
}
