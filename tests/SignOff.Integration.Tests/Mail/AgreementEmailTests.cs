using SignOff.Core.Agreements;
using SignOff.Core.Definitions;
using SignOff.Core.Rounds;
using SignOff.Host.Mail;

namespace SignOff.Integration.Tests.Mail;

/// <summary>The register's emails: what happened or what to do first, within the subject limit, with the facts a reader needs.</summary>
public sealed class AgreementEmailTests
{
    private static readonly Person Coordinator = new("Programme Office", "office@alliance.example");

    private static AgreementNotice Notice(AgreementNoticeKind kind, string title = "Test Alliance MoU") =>
        new(kind, [new Recipient(new Person("Sam Smith", "sam@chelmsford.example"), RecipientRole.Officer)], "test-mou", title, "TEST-MOU", Coordinator,
            kind is AgreementNoticeKind.ReviewReminder or AgreementNoticeKind.ReviewDue or AgreementNoticeKind.Varied ? null : "Maldon District Council",
            new DateOnly(2021, 7, 15), 2) { WorkingDaysLeft = kind == AgreementNoticeKind.ReviewReminder ? 5 : null, Reason = kind == AgreementNoticeKind.NoticeGiven ? "Merging" : null };

    [Theory]
    [InlineData(AgreementNoticeKind.ReviewReminder, "Review due in 5 working days: Test Alliance MoU")]
    [InlineData(AgreementNoticeKind.ReviewDue, "Record the review of Test Alliance MoU")]
    [InlineData(AgreementNoticeKind.NoticeGiven, "Notice given: Maldon District Council is leaving Test Alliance MoU")]
    [InlineData(AgreementNoticeKind.PartyExited, "Party left: Maldon District Council is no longer bound by Test Alliance MoU")]
    [InlineData(AgreementNoticeKind.Varied, "Version 2 now in force: Test Alliance MoU")]
    [InlineData(AgreementNoticeKind.PartyJoined, "New party: Maldon District Council joined Test Alliance MoU")]
    public void Each_kind_says_what_happened_or_what_to_do_first(AgreementNoticeKind kind, string subject)
    {
        var notice = Notice(kind);

        var email = AgreementEmailContent.Build(notice, notice.To[0]);

        Assert.Equal(subject, email.Subject);
        Assert.Equal("Dear Sam Smith,", email.Greeting);
        Assert.Contains(email.Facts, f => f.Label == "Agreement" && f.Value == "Test Alliance MoU (TEST-MOU)");
        Assert.Contains(email.Footnotes, f => f.Contains("Programme Office", StringComparison.Ordinal));
    }

    [Fact]
    public void A_notice_says_until_when_the_party_is_bound_and_why_it_leaves()
    {
        var notice = Notice(AgreementNoticeKind.NoticeGiven);

        var email = AgreementEmailContent.Build(notice, notice.To[0]);

        Assert.Contains(email.Facts, f => f.Label == "Bound until" && f.Value == "15 July 2021");
        Assert.Contains(email.Facts, f => f.Label == "Reason given" && f.Value == "Merging");
    }

    [Fact]
    public void The_coordinator_is_asked_for_the_view_on_carrying_on_when_a_party_leaves()
    {
        var email = AgreementEmailContent.Build(Notice(AgreementNoticeKind.PartyExited), new Recipient(Coordinator, RecipientRole.Coordinator));

        Assert.StartsWith("Record the view on carrying on: ", email.Subject, StringComparison.Ordinal);
        Assert.Contains(email.Paragraphs, p => p.Contains("view on carrying on", StringComparison.Ordinal));
    }

    [Fact]
    public void A_stopped_webhook_subscription_tells_the_coordinator_which_event_failed_where_and_how_to_resume()
    {
        var failure = new DeliveryFailure(DeliveryChannel.Webhook, "msg_2f1c", "party.exited event", "https://dashboard.example/hook", "The receiver answered 410 Gone.",
            "wh_1 (Partnership dashboard)");
        var notice = new AgreementNotice(AgreementNoticeKind.WebhookStopped, [new Recipient(Coordinator, RecipientRole.Coordinator)], "test-mou", "Test Alliance MoU", "TEST-MOU",
            Coordinator, null, null, 1) { Failure = failure };

        var email = AgreementEmailContent.Build(notice, notice.To[0]);

        Assert.Equal("Webhooks to dashboard.example have stopped", email.Subject);
        Assert.Contains(email.Paragraphs, p => p == "SignOff could not deliver the party.exited event for Test Alliance MoU to https://dashboard.example/hook. The receiver answered 410 Gone.");
        Assert.Contains(email.Facts, f => f.Label == "Subscription" && f.Value == "wh_1 (Partnership dashboard)");
        Assert.Contains(email.Facts, f => f.Label == "Event" && f.Value == "party.exited event (msg_2f1c)");
        Assert.Contains(email.Footnotes, f => f.Contains("/resume", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(AgreementNoticeKind.ReviewReminder)]
    [InlineData(AgreementNoticeKind.NoticeGiven)]
    [InlineData(AgreementNoticeKind.PartyExited)]
    [InlineData(AgreementNoticeKind.PartyJoined)]
    public void A_long_title_is_shortened_never_the_action(AgreementNoticeKind kind)
    {
        var notice = Notice(kind, "Mid and South Essex Integrated Care Partnership Memorandum of Understanding on Shared Care Records");

        var email = AgreementEmailContent.Build(notice, new Recipient(Coordinator, RecipientRole.Coordinator));

        Assert.True(email.Subject.Length <= EmailContentBuilder.SubjectLimit, email.Subject);
        Assert.Contains("…", email.Subject, StringComparison.Ordinal);
    }
}
