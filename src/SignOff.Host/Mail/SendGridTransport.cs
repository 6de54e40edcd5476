using System.Globalization;
using System.Net;
using SendGrid;
using SendGrid.Helpers.Mail;

namespace SignOff.Host.Mail;

/// <summary>SendGrid's v3 mail API, through SendGrid's own client.</summary>
/// <remarks>
/// Click tracking is off: it would rewrite officers' one-time links through SendGrid's
/// redirector. Categories and custom args carry only ids (effect, round, kind), never names or
/// addresses, because they end up in SendGrid's activity feed and event webhooks. A 429 is
/// answered with <see cref="RetryLaterException"/> for the time its <c>Retry-After</c> asks.
/// </remarks>
public sealed class SendGridTransport(MailOptions mail, HttpClient http, SignOff.Storage.WallClock wall) : IMailTransport
{
    private readonly SendGridClient client = new(http, new SendGridClientOptions
    {
        ApiKey = mail.SendGrid.ApiKey is { Length: > 0 } key ? key : throw new InvalidOperationException("Mail:Transport is sendgrid but Mail:SendGrid:ApiKey is not set."),
        Host = mail.SendGrid.Host,
    });

    public string Name => mail.SendGrid.SandboxMode ? "sendgrid (sandbox)" : "sendgrid";

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var message = MailHelper.CreateSingleEmail(new EmailAddress(mail.FromAddress, mail.FromName), new EmailAddress(email.To.Email, email.To.Name),
            email.Subject, email.Text, email.Html);
        if (email.ReplyTo is { } replyTo)
        {
            message.SetReplyTo(new EmailAddress(replyTo.Email, replyTo.Name));
        }

        message.SetClickTracking(false, false);
        message.SetOpenTracking(false);
        message.SetSandBoxMode(mail.SendGrid.SandboxMode);
        message.AddCategory("signoff");
        if (email.Tags.TryGetValue("Kind", out var kind))
        {
            message.AddCategory(kind);
        }

        foreach (var (name, value) in email.Tags)
        {
            message.AddCustomArg($"signoff_{name.ToLowerInvariant()}", value);
        }

        message.AddHeader("X-SignOff-Message", email.MessageId);
        foreach (var file in email.Attachments)
        {
            message.AddAttachment(file.FileName, Convert.ToBase64String(file.Content), file.ContentType);
        }

        var response = await client.SendEmailAsync(message, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await response.Body.ReadAsStringAsync(cancellationToken);
        detail = detail.Length > 300 ? detail[..300] : detail;
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            throw new RetryLaterException(RetryAfter(response), $"SendGrid answered {(int)response.StatusCode}: {detail}");
        }

        throw new MailTransportException(string.Create(CultureInfo.InvariantCulture, $"SendGrid refused the email ({(int)response.StatusCode}): {detail}"));
    }

    /// <summary>Retry-After as seconds or an HTTP date; a minute when absent.</summary>
    private TimeSpan RetryAfter(Response response)
    {
        var header = response.Headers?.RetryAfter;
        return header?.Delta ?? (header?.Date is { } at ? at - wall.UtcNow : TimeSpan.FromMinutes(1));
    }
}
