namespace SignOff.Host.Mail;

/// <summary>How email leaves SignOff (section <c>Mail</c>).</summary>
public sealed record MailOptions
{
    /// <summary><c>smtp</c> (MailDev locally, any relay), <c>sendgrid</c> (production) or <c>notify</c> (GOV.UK Notify).</summary>
    public string Transport { get; init; } = "smtp";

    public string FromAddress { get; init; } = "signoff@signoff.example";

    public string FromName { get; init; } = "SignOff";

    /// <summary>Drafts and completion packs up to this size travel as attachments; larger ones by link only.</summary>
    public long AttachUpToBytes { get; init; } = 5L * 1024 * 1024;

    public string SmtpHost { get; init; } = "127.0.0.1";

    public int SmtpPort { get; init; } = 1025;

    /// <summary><c>none</c> (MailDev), <c>starttls</c> or <c>tls</c>.</summary>
    public string SmtpSecurity { get; init; } = "none";

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public SendGridOptions SendGrid { get; init; } = new();

    public NotifyOptions Notify { get; init; } = new();
}

/// <summary>SendGrid settings (section <c>Mail:SendGrid</c>); the key belongs in Key Vault.</summary>
public sealed record SendGridOptions
{
    public string? ApiKey { get; init; }

    /// <summary>SendGrid validates but does not deliver: for staging.</summary>
    public bool SandboxMode { get; init; }

    /// <summary>The API's base address (changed only by tests).</summary>
    public string Host { get; init; } = "https://api.sendgrid.com";
}

/// <summary>GOV.UK Notify settings (section <c>Mail:Notify</c>).</summary>
public sealed record NotifyOptions
{
    /// <summary>The API key as Notify shows it: <c>{name}-{service id}-{secret}</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>An email template whose subject is <c>((subject))</c> and body is <c>((body))</c>.</summary>
    public string? TemplateId { get; init; }

    /// <summary>A reply-to address id registered in the Notify service's settings (optional).</summary>
    /// <remarks>Notify takes no reply-to address per email, only one of these ids, so replies cannot reach each round's own coordinator; see <see cref="NotifyTransport"/>.</remarks>
    public string? ReplyToId { get; init; }

    public string BaseUrl { get; init; } = "https://api.notifications.service.gov.uk";
}
