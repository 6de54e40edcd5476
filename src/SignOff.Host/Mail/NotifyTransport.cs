using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SignOff.Host.Mail;

/// <summary>GOV.UK Notify's REST API (v2), for public bodies that send through Notify.</summary>
/// <remarks>
/// Notify sends plain text from a template, so the template must be <c>((subject))</c> /
/// <c>((body))</c> and we send the text part; attachments do not travel (the emailed link reaches
/// the documents). The official client could not be used: it needs a JWT package this registry
/// lacks, so the request and its HS256 token follow Notify's documented API directly.
/// <para>
/// Reply-To: Notify accepts only an <c>email_reply_to_id</c> registered beforehand in the
/// service's settings, not an address per email, so a round's coordinator cannot be set per
/// message. <see cref="NotifyOptions.ReplyToId"/> sends a service-wide one (the partnership's
/// coordinator mailbox, say); the email's text names the coordinator and how to reach them.
/// </para>
/// </remarks>
public sealed class NotifyTransport(MailOptions mail, HttpClient http, TimeProvider time) : IMailTransport
{
    public string Name => "notify";

    public async Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        var (serviceId, secret) = ParseKey(mail.Notify.ApiKey);
        var templateId = mail.Notify.TemplateId is { Length: > 0 } t ? t : throw new InvalidOperationException("Mail:Notify:TemplateId is not set.");
        var body = new Dictionary<string, object>
        {
            ["email_address"] = email.To.Email,
            ["template_id"] = templateId,
            ["personalisation"] = new Dictionary<string, string> { ["subject"] = email.Subject, ["body"] = email.Text },
            ["reference"] = email.MessageId,
        };
        if (mail.Notify.ReplyToId is { Length: > 0 } replyToId)
        {
            body["email_reply_to_id"] = replyToId;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{mail.Notify.BaseUrl.TrimEnd('/')}/v2/notifications/email")
        {
            Content = JsonContent.Create(body),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(serviceId, secret, time.GetUtcNow()));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await response.Content.ReadAsStringAsync(cancellationToken);
        detail = detail.Length > 300 ? detail[..300] : detail;
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError)
        {
            throw new RetryLaterException(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMinutes(1), $"Notify answered {(int)response.StatusCode}: {detail}");
        }

        throw new MailTransportException(string.Create(CultureInfo.InvariantCulture, $"Notify refused the email ({(int)response.StatusCode}): {detail}"));
    }

    /// <summary>A Notify key ends with the service id and the secret, each a 36-character UUID.</summary>
    public static (string ServiceId, string Secret) ParseKey(string? apiKey)
    {
        if (apiKey is null || apiKey.Length < 74 || !Guid.TryParse(apiKey[^73..^37], out _) || !Guid.TryParse(apiKey[^36..], out _))
        {
            throw new InvalidOperationException("Mail:Notify:ApiKey is not a Notify API key ({name}-{service id}-{secret}).");
        }

        return (apiKey[^73..^37], apiKey[^36..]);
    }

    /// <summary>Notify's bearer token: HS256, issuer = service id, issued-at = now (Notify allows 30 seconds of skew).</summary>
    public static string Token(string serviceId, string secret, DateTimeOffset now) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = serviceId,
        Claims = new Dictionary<string, object> { ["iat"] = now.ToUnixTimeSeconds() },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
    });
}
