using SignOff.Core.Agreements;
using SignOff.Core.Rounds;
using SignOff.Host.Effects;
using SignOff.Storage;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Mail;

/// <summary>Sends the register's emails: one per recipient, through the configured <see cref="IMailTransport"/>.</summary>
/// <remarks>
/// As <see cref="NotificationMailer"/>: each recipient's send but the last is recorded done as it
/// goes (<c>{effect id}.{n}</c>), so a retry after a failure part-way sends only to those not
/// reached; replies reach the coordinator.
/// </remarks>
public sealed class AgreementMailer(IMailTransport transport, EmailRenderer renderer, AgreementEffectLedger ledger, WallClock wall, ILogger<AgreementMailer> logger)
    : IAgreementEffectHandler
{
    public bool Handles(AgreementEffect effect) => effect is SendAgreementNotice;

    /// <summary>An email cannot be unsent: each is claimed before it goes.</summary>
    public bool Idempotent => false;

    public async Task PerformAsync(string agreementId, AgreementEffect effect, IReadOnlySet<string> done, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effect);
        ArgumentNullException.ThrowIfNull(done);
        var notice = ((SendAgreementNotice)effect).Notice;
        var sent = 0;
        foreach (var (recipient, index) in notice.To.Select((r, i) => (r, i)))
        {
            var sendId = $"{effect.EffectId}.{index}";
            if (done.Contains(sendId))
            {
                continue;
            }

            var email = await renderer.RenderAsync(AgreementEmailContent.Build(notice, recipient));
            var replyTo = string.Equals(notice.Coordinator.Email, recipient.Person.Email, StringComparison.OrdinalIgnoreCase) ? null : notice.Coordinator;
            try
            {
                await transport.SendAsync(new OutgoingEmail(OutgoingEmail.StableMessageId("agreement/" + agreementId, sendId), recipient.Person, email.Subject, email.Html, email.Text, [],
                    new Dictionary<string, string> { ["Effect"] = effect.EffectId, ["Agreement"] = agreementId, ["Kind"] = "agreement-" + RoundProcess.Kebab(notice.Kind) },
                    replyTo), cancellationToken);
            }
            catch (MailTransportException refused)
            {
                throw new EffectRefusedException(refused.Message, refused);
            }

            if (index < notice.To.Count - 1)
            {
                await ledger.Ledger.CompleteEffectAsync(agreementId, sendId, wall.UtcNow, cancellationToken);
            }

            sent++;
        }

        logger.LogInformation("Sent agreement {Kind} for {AgreementId} to {Sent} of {Count} recipient(s) by {Transport}",
            notice.Kind, agreementId, sent, notice.To.Count, transport.Name);
    }
}
