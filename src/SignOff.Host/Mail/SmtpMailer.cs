using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using SignOff.Core.Rounds;
using SignOff.Host.Hosting;
using SignOff.Host.Respond;
using SignOff.Storage.Execution;

namespace SignOff.Host.Mail;

/// <summary>
/// Sends notifications by SMTP (MailDev locally, any relay elsewhere), one message per recipient.
/// </summary>
/// <remarks>
/// The message id is derived from the effect id, so a relay that deduplicates by Message-ID
/// sees a retried send as the same message. Response links are minted here, at send time.
/// Each message has an HTML and a plain-text part rendered from the same content.
/// </remarks>
public sealed class SmtpMailer(
    MailOptions mail,
    SignOffOptions options,
    ResponseLinks links,
    EmailRenderer renderer,
    SignOff.Storage.Rounds.TableRoundStore rounds,
    TimeProvider time,
    ILogger<SmtpMailer> logger) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is SendNotification;

    public async Task PerformAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken)
    {
        var notification = ((SendNotification)effect).Notification;
        // Digests and alerts to chairs describe the round as it stands when they are sent.
        RoundDigest? digest = null;
        if (notification.Kind is NotificationKind.ChairDigest or NotificationKind.OverdueEscalation or NotificationKind.DeclineAlert
            && await rounds.LoadAsync(roundId, cancellationToken) is { } stored)
        {
            digest = RoundDigest.Of(stored.State, LondonTime.DateOf(time.GetUtcNow()));
        }

        using var smtp = new SmtpClient();
        await smtp.ConnectAsync(mail.SmtpHost, mail.SmtpPort, SecureSocketOptions.None, cancellationToken);
        foreach (var (recipient, index) in notification.To.Select((r, i) => (r, i)))
        {
            string? link = null;
            if (notification.ResponseLinkFor is { } partnerId && recipient.Role == RecipientRole.Officer)
            {
                var token = await links.MintAsync(roundId, partnerId, recipient.Person.Email, notification.Version, options.LinkLifetime, cancellationToken);
                link = $"{options.PublicBaseUrl.TrimEnd('/')}/respond/{token}";
            }

            var email = await renderer.RenderAsync(notification, recipient, link, digest);
            var message = new MimeMessage
            {
                MessageId = $"{effect.EffectId}.{index}@signoff",
                Subject = email.Subject,
            };
            var body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html };
            if (CalendarInvite.For(notification) is { } ics)
            {
                body.Attachments.Add("signoff.ics", System.Text.Encoding.UTF8.GetBytes(ics), ContentType.Parse(CalendarInvite.ContentType + "; charset=utf-8; method=PUBLISH"));
            }

            message.Body = body.ToMessageBody();
            message.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
            message.To.Add(new MailboxAddress(recipient.Person.Name, recipient.Person.Email));
            message.Headers.Add("X-SignOff-Effect", effect.EffectId);
            message.Headers.Add("X-SignOff-Round", roundId);
            await smtp.SendAsync(message, cancellationToken);
        }

        await smtp.DisconnectAsync(quit: true, cancellationToken);
        logger.LogInformation("Sent {Kind} for round {RoundId} to {Count} recipient(s)", notification.Kind, roundId, notification.To.Count);
    }

}
