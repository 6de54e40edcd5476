using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace SignOff.Host.Mail;

/// <summary>SMTP through MailKit: MailDev in development, any relay elsewhere.</summary>
/// <remarks>The Message-ID is the email's stable id, so a relay that deduplicates by it sees a retried send as the same message.</remarks>
public sealed class SmtpTransport(MailOptions mail) : IMailTransport
{
    public string Name => "smtp";

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = new MimeMessage { MessageId = email.MessageId, Subject = email.Subject };
        message.From.Add(new MailboxAddress(mail.FromName, mail.FromAddress));
        message.To.Add(new MailboxAddress(email.To.Name, email.To.Email));
        if (email.ReplyTo is { } replyTo)
        {
            message.ReplyTo.Add(new MailboxAddress(replyTo.Name, replyTo.Email));
        }

        var body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html };
        foreach (var file in email.Attachments)
        {
            body.Attachments.Add(file.FileName, file.Content, ContentType.Parse(file.ContentType));
        }

        message.Body = body.ToMessageBody();
        foreach (var (name, value) in email.Tags)
        {
            message.Headers.Add($"X-SignOff-{name}", value);
        }

        using var smtp = new SmtpClient();
        var security = mail.SmtpSecurity.ToLowerInvariant() switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "starttls" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        };
        await smtp.ConnectAsync(mail.SmtpHost, mail.SmtpPort, security, cancellationToken);
        if (mail.SmtpUser is { Length: > 0 } user)
        {
            await smtp.AuthenticateAsync(user, mail.SmtpPassword ?? "", cancellationToken);
        }

        await smtp.SendAsync(message, cancellationToken);

        // The relay accepted the message with its 250: from here until the dispatcher records the
        // send, a crash means sending it again. A polite QUIT would only widen that window, so the
        // connection is simply closed (a relay never discards an accepted message over it).
        await smtp.DisconnectAsync(quit: false, cancellationToken);
    }
}
