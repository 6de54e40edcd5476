using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SignOff.Core.Definitions;
using SignOff.Host.Mail;
using SignOff.Integration.Tests.Support;

namespace SignOff.Integration.Tests.Mail;

/// <summary>SendGrid and GOV.UK Notify requests as the providers document them, sent over real HTTP to a recording server.</summary>
public sealed class MailTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string NotifyKey = "signoff_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0";

    private static OutgoingEmail Email() => new(
        "effect-1.0@signoff",
        new Person("Jo Bloggs", "jo@maldon.example"),
        "Please take the MoU through Maldon's governance",
        "<p>Hello</p>",
        "Hello",
        [new EmailAttachment("draft.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4"))],
        new Dictionary<string, string> { ["Effect"] = "effect-1", ["Round"] = "round-1", ["Kind"] = "invitation" },
        new Person("Programme Office", "office@alliance.example"));

    [Fact]
    public void A_message_id_is_stable_for_a_send_differs_between_rounds_and_is_a_valid_msg_id()
    {
        // Timer effect ids repeat across rounds (same council, same date): the round must be in the id.
        var first = OutgoingEmail.StableMessageId("mea-mou-2021-0a1b2c", "timer:reminder:maldon-district-council:20210716.0");
        Assert.Equal(first, OutgoingEmail.StableMessageId("mea-mou-2021-0a1b2c", "timer:reminder:maldon-district-council:20210716.0"));
        Assert.NotEqual(first, OutgoingEmail.StableMessageId("mea-mou-2021-3d4e5f", "timer:reminder:maldon-district-council:20210716.0"));
        Assert.NotEqual(first, OutgoingEmail.StableMessageId("mea-mou-2021-0a1b2c", "timer:reminder:maldon-district-council:20210716.1"));
        Assert.Matches("^[0-9a-f]{40}@signoff$", first); // RFC 5322 dot-atom on the left: no colons
    }

    [Fact]
    public async Task SendGrid_gets_ids_in_categories_and_custom_args_no_personal_data_no_click_tracking_and_the_sandbox_flag()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        using var http = new HttpClient();
        var transport = new SendGridTransport(new MailOptions { SendGrid = new SendGridOptions { ApiKey = "SG.test", SandboxMode = true, Host = receiver.BaseUrl } }, http, SignOff.Storage.WallClock.System);

        await transport.SendAsync(Email(), Ct);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/mail/send", request.Path);
        Assert.Equal("Bearer SG.test", request.Headers["authorization"]);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.True(root.GetProperty("mail_settings").GetProperty("sandbox_mode").GetProperty("enable").GetBoolean());
        Assert.False(root.GetProperty("tracking_settings").GetProperty("click_tracking").GetProperty("enable").GetBoolean());
        var categories = root.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(["signoff", "invitation"], categories);
        var args = root.GetProperty("personalizations")[0].GetProperty("custom_args").ToString();
        Assert.Contains("effect-1", args);
        Assert.Contains("round-1", args);
        Assert.DoesNotContain("jo@maldon.example", args + string.Join(",", categories));
        Assert.DoesNotContain("Jo Bloggs", args);
        Assert.Equal("jo@maldon.example", root.GetProperty("personalizations")[0].GetProperty("to")[0].GetProperty("email").GetString());
        Assert.Equal("draft.pdf", root.GetProperty("attachments")[0].GetProperty("filename").GetString());
        Assert.Equal(2, root.GetProperty("content").GetArrayLength());
        Assert.Equal("office@alliance.example", root.GetProperty("reply_to").GetProperty("email").GetString());
        Assert.Equal("Programme Office", root.GetProperty("reply_to").GetProperty("name").GetString());
    }

    [Fact]
    public async Task SendGrid_429_asks_to_retry_after_the_time_it_gives_and_a_401_fails_plainly()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        using var http = new HttpClient();
        var transport = new SendGridTransport(new MailOptions { SendGrid = new SendGridOptions { ApiKey = "SG.test", Host = receiver.BaseUrl } }, http, SignOff.Storage.WallClock.System);

        receiver.Then(429, """{"errors":[{"message":"too many requests"}]}""", ("Retry-After", "17"));
        var later = await Assert.ThrowsAsync<RetryLaterException>(() => transport.SendAsync(Email(), Ct));
        Assert.Equal(TimeSpan.FromSeconds(17), later.After);

        receiver.Then(401, """{"errors":[{"message":"The provided authorization grant is invalid"}]}""");
        var refused = await Assert.ThrowsAsync<MailTransportException>(() => transport.SendAsync(Email(), Ct));
        Assert.Contains("401", refused.Message);
        Assert.Contains("authorization grant", refused.Message);

        await transport.SendAsync(Email(), Ct);
        Assert.Equal(3, receiver.Requests.Count);
    }

    [Fact]
    public async Task Notify_gets_the_text_part_through_its_template_with_a_token_signed_by_the_key_secret()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        using var http = new HttpClient();
        var now = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        var options = new MailOptions { Notify = new NotifyOptions { ApiKey = NotifyKey, TemplateId = "f33517ff-2a88-4f6e-b855-c550268ce08a", BaseUrl = receiver.BaseUrl } };
        var transport = new NotifyTransport(options, http, new FakeTimeProvider(now));

        receiver.Then(201, "{}");
        await transport.SendAsync(Email(), Ct);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/v2/notifications/email", request.Path);
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("jo@maldon.example", json.RootElement.GetProperty("email_address").GetString());
        Assert.Equal("f33517ff-2a88-4f6e-b855-c550268ce08a", json.RootElement.GetProperty("template_id").GetString());
        Assert.Equal("Hello", json.RootElement.GetProperty("personalisation").GetProperty("body").GetString());
        Assert.Equal("effect-1.0@signoff", json.RootElement.GetProperty("reference").GetString());

        var token = request.Headers["authorization"]["Bearer ".Length..];
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "26785a09-ab16-4eb0-8407-a37497a57506",
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes("3d844edf-8d35-48ac-975b-e847b4f122b0")),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal(now.ToUnixTimeSeconds(), Convert.ToInt64(validation.Claims["iat"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData("name-26785a09-ab16-4eb0-8407-a37497a57506-not-a-uuid-at-all-xxxxxxxxxxxxxxxx")]
    public void A_malformed_Notify_key_is_refused_with_a_clear_message(string? key) =>
        Assert.Contains("not a Notify API key", Assert.Throws<InvalidOperationException>(() => NotifyTransport.ParseKey(key)).Message);

    [Fact]
    public async Task Notify_rate_limit_asks_to_retry_later()
    {
        await using var receiver = await RecordingReceiver.StartAsync();
        using var http = new HttpClient();
        var options = new MailOptions { Notify = new NotifyOptions { ApiKey = NotifyKey, TemplateId = "t", BaseUrl = receiver.BaseUrl } };
        receiver.Then(429, """{"errors":[{"error":"RateLimitError"}]}""", ("Retry-After", "5"));
        var later = await Assert.ThrowsAsync<RetryLaterException>(() => new NotifyTransport(options, http, TimeProvider.System).SendAsync(Email(), Ct));
        Assert.Equal(TimeSpan.FromSeconds(5), later.After);
    }
}
