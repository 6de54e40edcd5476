using System.Globalization;
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
/// Plain text for now; the templated HTML emails replace <see cref="PlainText"/>.
/// </remarks>
public sealed class SmtpMailer(MailOptions mail, SignOffOptions options, ResponseLinks links, ILogger<SmtpMailer> logger) : IEffectHandler
{
    private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

    public bool Handles(RoundEffect effect) => effect is SendNotification;

    public async Task PerformAsync(string roundId, RoundEffect effect, CancellationToken cancellationToken)
    {
        var notification = ((SendNotification)effect).Notification;
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

            var message = new MimeMessage
            {
                MessageId = $"{effect.EffectId}.{index}@signoff",
                Subject = Subject(notification),
                Body = new TextPart("plain") { Text = PlainText(notification, recipient, link) },
            };
            message.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
            message.To.Add(new MailboxAddress(recipient.Person.Name, recipient.Person.Email));
            message.Headers.Add("X-SignOff-Effect", effect.EffectId);
            message.Headers.Add("X-SignOff-Round", roundId);
            await smtp.SendAsync(message, cancellationToken);
        }

        await smtp.DisconnectAsync(quit: true, cancellationToken);
        logger.LogInformation("Sent {Kind} for round {RoundId} to {Count} recipient(s)", notification.Kind, roundId, notification.To.Count);
    }

    /// <summary>A short subject that says what is asked.</summary>
    public static string Subject(Notification n) => n.Kind switch
    {
        NotificationKind.Invitation => $"Please take {n.AgreementTitle} through your governance by {Date(n.DueOn)}",
        NotificationKind.Reminder => $"Reminder: {n.AgreementTitle} is due by {Date(n.DueOn)}",
        NotificationKind.OverdueReminder => $"Overdue: {n.AgreementTitle} was due on {Date(n.DueOn)}",
        NotificationKind.CounterpartRequest => $"Please sign your counterpart of {n.AgreementTitle}",
        NotificationKind.EffectiveNotice => $"{n.AgreementTitle} took effect on {Date(n.EffectiveOn)}",
        _ => $"{n.AgreementTitle}: {RoundProcess.Kebab(n.Kind).Replace('-', ' ')}",
    };

    /// <summary>The plain-text body.</summary>
    public static string PlainText(Notification n, Recipient to, string? link)
    {
        var lines = new List<string>
        {
            $"Dear {to.Person.Name},",
            "",
            $"{n.AgreementTitle} ({n.AgreementReference}), version {n.Version}.",
        };
        if (n.OrganisationName is not null)
        {
            lines.Add($"Organisation: {n.OrganisationName}");
        }

        if (n.DueOn is { } due)
        {
            lines.Add($"Due by: {Date(due)}");
        }

        if (n.Conditions is not null)
        {
            lines.Add($"Conditions: {n.Conditions}");
        }

        if (n.Reason is not null)
        {
            lines.Add($"Reason: {n.Reason}");
        }

        if (n.Note is not null)
        {
            lines.Add(n.Note);
        }

        if (link is not null)
        {
            lines.Add("");
            lines.Add($"Record your organisation's decision or upload its signed counterpart here: {link}");
            lines.Add("The link is for you alone; opening it changes nothing until you press a button.");
        }

        lines.Add("");
        lines.Add($"SHA-256 of the current draft: {n.VersionSha256}");
        return string.Join("\n", lines);
    }

    private static string Date(DateOnly? date) => date?.ToString("d MMMM yyyy", Uk) ?? "";
}
