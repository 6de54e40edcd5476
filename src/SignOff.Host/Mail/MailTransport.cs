using SignOff.Core.Definitions;

namespace SignOff.Host.Mail;

/// <summary>A file sent with an email.</summary>
public sealed record EmailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>One email to one person, ready for any transport.</summary>
/// <param name="MessageId">Stable for the effect and recipient, so a retried send can be recognised.</param>
/// <param name="To">The one recipient.</param>
/// <param name="Subject">Plain text.</param>
/// <param name="Html">The HTML part.</param>
/// <param name="Text">The plain-text part (the only part Notify sends).</param>
/// <param name="Attachments">Calendar, draft, completion pack.</param>
/// <param name="Tags">Ids only (effect, round, kind) — never personal data — for the provider's logs and webhooks.</param>
/// <param name="ReplyTo">
/// Who a reply reaches: the round's coordinator, the person asking, not SignOff's no-reply
/// sender (null: replies go to the sender, as before).
/// </param>
public sealed record OutgoingEmail(
    string MessageId,
    Person To,
    string Subject,
    string Html,
    string Text,
    IReadOnlyList<EmailAttachment> Attachments,
    IReadOnlyDictionary<string, string> Tags,
    Person? ReplyTo = null)
{
    /// <summary>The Message-ID for one recipient's copy of a round's notification: the same on every retry, different in every round.</summary>
    /// <remarks>
    /// A hash, because effect ids carry colons (not allowed in a Message-ID's left part) and are
    /// unique only within their round (a timer's is built from its purpose, partner and date).
    /// </remarks>
    public static string StableMessageId(string roundId, string sendId) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{roundId}/{sendId}")))[..40] + "@signoff";
}

/// <summary>Delivers emails: SMTP, SendGrid or GOV.UK Notify, chosen by <see cref="MailOptions.Transport"/>.</summary>
/// <remarks>
/// A transport throws on failure (the effect is retried) and throws
/// <see cref="RetryLaterException"/> when the provider asks us to slow down.
/// </remarks>
public interface IMailTransport
{
    string Name { get; }

    Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken);
}

/// <summary>A provider refused an email for a reason retrying will not fix by itself (bad key, bad address).</summary>
public sealed class MailTransportException : Exception
{
    public MailTransportException(string message)
        : base(message)
    {
    }

    public MailTransportException()
    {
    }

    public MailTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
