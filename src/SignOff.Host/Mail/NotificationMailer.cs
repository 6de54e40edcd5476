using System.Text;
using SignOff.Core.Rounds;
using SignOff.Host.Documents;
using SignOff.Host.Respond;
using SignOff.Storage.Blobs;
using SignOff.Storage;
using SignOff.Host.Effects;
using SignOff.Workflow.Effects;
using SignOff.Storage.Rounds;
using SignOff.Host.Configuration;

namespace SignOff.Host.Mail;

/// <summary>
/// Performs notification effects: renders one email per recipient and hands it to the configured
/// <see cref="IMailTransport"/>.
/// </summary>
/// <remarks>
/// Each recipient's send is claimed and recorded under its own id (<c>{effect}.{n}</c>), so when
/// the third of five sends fails, the retry sends to the third, fourth and fifth only. Response
/// links are minted here, at send time, and never stored anywhere but as a hash. Attachments: an
/// .ics for dates, the draft when it is small enough (otherwise the link reaches it), and the
/// completion pack with the effective notice.
/// </remarks>
public sealed class NotificationMailer(
    MailOptions mail,
    SignOffOptions options,
    IMailTransport transport,
    ResponseLinks links,
    EmailRenderer renderer,
    EffectLedger ledger,
    BlobDocumentStore documents,
    TimeProvider time,
    WallClock wall,
    ILogger<NotificationMailer> logger) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is SendNotification;

    /// <summary>An email cannot be unsent: each is claimed before it goes.</summary>
    public bool Idempotent => false;

    /// <remarks>
    /// The effect's claim (held by the dispatcher) makes this the only worker sending it. With
    /// several recipients each send is recorded done as it goes (<c>{effect id}.{n}</c>), so a
    /// retry after a failure part-way sends only to those not reached; the last send needs no
    /// record of its own — the effect's completion is it. A crash between a send and its record
    /// sends that one again, with the same Message-ID: SMTP cannot be asked whether it arrived.
    /// </remarks>
    public async Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken)
    {
        var roundId = context.RoundId;
        var notification = ((SendNotification)effect).Notification;
        var describesRound = notification.Kind is NotificationKind.ChairDigest or NotificationKind.OverdueEscalation or NotificationKind.DeclineAlert;
        var round = describesRound || notification.AttachDraft || notification.AttachCompletionPack ? await context.RoundAsync() : null;

        // Digests and alerts describe the round as it stands when they are sent.
        RoundDigest? digest = describesRound && round is not null
            ? RoundDigest.Of(round, LondonTime.DateOf(time.GetUtcNow()))
            : null;
        var attachments = await AttachmentsAsync(notification, round, cancellationToken);
        var sent = 0;
        foreach (var (recipient, index) in notification.To.Select((r, i) => (r, i)))
        {
            var sendId = $"{effect.EffectId}.{index}";
            if (context.Records.GetValueOrDefault(sendId) is { Done: true })
            {
                continue;
            }

            string? link = null;
            if (notification.ResponseLinkFor is { } partnerId && recipient.Role == RecipientRole.Officer)
            {
                var token = await links.MintAsync(roundId, partnerId, recipient.Person.Email, notification.Version, options.LinkLifetime, cancellationToken);
                link = $"{options.PublicBaseUrl.TrimEnd('/')}/respond/{token}";
            }
            else if (recipient.Role == RecipientRole.Coordinator)
            {
                // The coordinator acts on the round's pages: the partner's page when it is about one.
                link = $"{options.PublicBaseUrl.TrimEnd('/')}/rounds/{Uri.EscapeDataString(roundId)}"
                    + (notification.PartnerId is { } about ? $"/partners/{Uri.EscapeDataString(about)}" : "");
            }
            else if (recipient.Role == RecipientRole.Chair && describesRound)
            {
                var token = await links.MintChairAsync(recipient.Person.Email, options.LinkLifetime, cancellationToken);
                link = $"{options.PublicBaseUrl.TrimEnd('/')}/chair/{token}";
            }

            var email = await renderer.RenderAsync(notification, recipient, link, digest, [.. attachments.Select(a => a.FileName)]);
            try
            {
                await transport.SendAsync(new OutgoingEmail(OutgoingEmail.StableMessageId(roundId, sendId), recipient.Person, email.Subject, email.Html, email.Text, attachments,
                    new Dictionary<string, string> { ["Effect"] = effect.EffectId, ["Round"] = roundId, ["Kind"] = RoundProcess.Kebab(notification.Kind) },
                    ReplyTo(notification, recipient)), cancellationToken);
            }
            catch (MailTransportException refused)
            {
                // The provider refused the message itself (a bad key, a blocked sender): retrying will not fix it,
                // so it is said in the effects' own words and the orchestration gives up at once.
                throw new EffectRefusedException(refused.Message, refused);
            }
            if (index < notification.To.Count - 1)
            {
                await ledger.CompleteEffectAsync(roundId, sendId, wall.UtcNow, cancellationToken);
            }

            sent++;
        }

        logger.LogInformation("Sent {Kind} for round {RoundId} to {Sent} of {Count} recipient(s) by {Transport}",
            notification.Kind, roundId, sent, notification.To.Count, transport.Name);
    }

    /// <summary>Replies reach the coordinator, who is asking; the coordinator's own emails keep the sender.</summary>
    private static SignOff.Core.Definitions.Person? ReplyTo(Notification n, Recipient to) =>
        n.Coordinator is { } coordinator && !string.Equals(coordinator.Email, to.Person.Email, StringComparison.OrdinalIgnoreCase) ? coordinator : null;

    private async Task<IReadOnlyList<EmailAttachment>> AttachmentsAsync(Notification n, RoundState? round, CancellationToken ct)
    {
        var files = new List<EmailAttachment>();
        if (CalendarInvite.For(n) is { } ics)
        {
            files.Add(new("signoff.ics", CalendarInvite.ContentType + "; charset=utf-8; method=PUBLISH", Encoding.UTF8.GetBytes(ics)));
        }

        var draft = round?.Versions.FirstOrDefault(v => v.Number == n.Version)?.Document;
        if (n.AttachDraft && draft is not null && draft.Length <= mail.AttachUpToBytes && await documents.OpenAsync(draft.Sha256, ct) is { } stored)
        {
            await using var content = stored.Content;
            using var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, ct);
            files.Add(new(draft.FileName, draft.ContentType, buffer.ToArray()));
        }

        if (n.AttachCompletionPack && round is not null)
        {
            files.Add(new(CompletionPack.FileName(round), "application/pdf", await CompletionPack.RenderAsync(round, time.GetUtcNow(), documents, ct)));
        }

        return files;
    }
}
