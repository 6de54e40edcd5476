using System.Net;
using System.Text.Json;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;
using SignOff.Core.Webhooks;

namespace SignOff.Core.Tests.Webhooks;

/// <summary>Signatures, the retry schedule, the address policy and the event catalogue: the pure parts of webhooks.</summary>
public sealed class WebhookCoreTests
{
    [Fact]
    public void The_signature_matches_the_reference_implementation()
    {
        // Computed by the reference library (npm standardwebhooks 1.1.1): new Webhook("MfKQ…").sign(id, date, body).
        // The integration tests also verify live deliveries with that library.
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
            DateTimeOffset.FromUnixTimeSeconds(1614265330), """{"test": 2432232314}""");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void During_a_rotation_both_secrets_sign_in_one_header()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1614265330);
        var header = WebhookSignature.Header(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + Convert.ToBase64String(new byte[32])], "msg_1", now, "{}");

        var parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.All(parts, p => Assert.StartsWith("v1,", p, StringComparison.Ordinal));
        Assert.NotEqual(parts[0], parts[1]);
        Assert.Throws<FormatException>(() => WebhookSignature.KeyOf("not-a-secret"));
    }

    [Fact]
    public void The_retry_schedule_spans_about_three_days_with_bounded_jitter()
    {
        var start = new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var at = start;
        for (var attempt = 1; attempt < RetrySchedule.MaxAttempts; attempt++)
        {
            at = RetrySchedule.Next(attempt, at, jitter: 0.5)!.Value;
        }

        Assert.Equal(TimeSpan.FromSeconds(5) + TimeSpan.FromMinutes(35) + TimeSpan.FromHours(75), at - start);
        Assert.Equal(10, RetrySchedule.MaxAttempts);
        Assert.Null(RetrySchedule.Next(RetrySchedule.MaxAttempts, at, 0.5));
        Assert.Equal(start + TimeSpan.FromSeconds(4), RetrySchedule.Next(1, start, jitter: 0));
        Assert.Equal(start + TimeSpan.FromSeconds(6), RetrySchedule.Next(1, start, jitter: 1));
    }

    [Fact]
    public void Retry_after_is_honoured_when_longer_and_capped_at_a_day()
    {
        var now = new DateTimeOffset(2021, 6, 1, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(now + TimeSpan.FromMinutes(2), RetrySchedule.Next(1, now, 0.5, TimeSpan.FromMinutes(2)));
        Assert.Equal(now + TimeSpan.FromMinutes(5), RetrySchedule.Next(2, now, 0.5, TimeSpan.FromSeconds(1)));
        Assert.Equal(now + TimeSpan.FromHours(24), RetrySchedule.Next(2, now, 0.5, TimeSpan.FromDays(30)));
    }

    [Theory]
    [InlineData("127.0.0.1", "a loopback address")]
    [InlineData("127.255.0.9", "a loopback address")]
    [InlineData("10.1.2.3", "a private address")]
    [InlineData("172.16.0.1", "a private address")]
    [InlineData("172.31.255.255", "a private address")]
    [InlineData("192.168.1.1", "a private address")]
    [InlineData("169.254.169.254", "a link-local address (cloud metadata services live here)")]
    [InlineData("168.63.129.16", "the Azure platform's internal address")]
    [InlineData("100.64.0.1", "a shared (carrier-grade NAT) address")]
    [InlineData("0.0.0.0", "'this network'")]
    [InlineData("224.0.0.1", "a multicast address")]
    [InlineData("255.255.255.255", "a reserved address")]
    [InlineData("198.51.100.7", "a documentation address")]
    [InlineData("::1", "a loopback address")]
    [InlineData("::", "the unspecified address")]
    [InlineData("fe80::1", "a link-local address")]
    [InlineData("fd00:ec2::254", "a unique local (private) address")]
    [InlineData("::ffff:127.0.0.1", "a loopback address")]
    [InlineData("::ffff:169.254.169.254", "a link-local address (cloud metadata services live here)")]
    [InlineData("64:ff9b::a9fe:a9fe", "a link-local address (cloud metadata services live here), embedded in an IPv6 address")]
    [InlineData("ff02::1", "a multicast address")]
    public void Addresses_inside_networks_are_refused_with_a_reason(string address, string why) =>
        Assert.Equal(why, AddressPolicy.WhyRefused(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("20.50.2.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) => Assert.Null(AddressPolicy.WhyRefused(IPAddress.Parse(address)));

    [Fact]
    public void The_catalogue_holds_every_type_the_issue_names_and_every_type_the_engine_publishes()
    {
        var catalogued = WebhookCatalogue.Types.Select(t => t.Type).ToHashSet();
        Assert.Superset(new HashSet<string> { "round.started", "partner.invited", "partner.reminded", "partner.meeting_scheduled", "partner.decided", "partner.call_in_started",
            "partner.authorised", "partner.counterpart_received", "partner.withdrawn", "partner.removed", "round.revised", "round.stalled", "round.overdue",
            "round.cancelled", "agreement.effective" }, catalogued);
        Assert.Superset(WebhookEventTypes.All.ToHashSet(), catalogued);
    }

    [Fact]
    public void Every_event_the_engine_publishes_carries_exactly_the_catalogued_fields()
    {
        var seen = new HashSet<string>();
        var random = new Random(20210301);
        for (var i = 0; i < 200; i++)
        {
            var script = new RandomRoundScript();
            foreach (var step in Enumerable.Range(0, random.Next(5, 80)).Select(_ => random.Next()))
            {
                if (step % 20 < 3)
                {
                    script.Advance(step % 10, (_, _, _) => { });
                }
                else
                {
                    script.Run([step], (_, _, _) => { });
                }
            }

            foreach (var e in script.Round.Effects.OfType<PublishWebhook>().Select(w => w.Event))
            {
                var type = WebhookCatalogue.Find(e.Type);
                Assert.NotNull(type);
                Assert.Equal(type.Fields.Select(f => f.Name).Order(StringComparer.Ordinal), e.Data.Keys.Order(StringComparer.Ordinal));
                Assert.Equal(type.AboutPartner, e.PartnerId is not null);
                seen.Add(e.Type);
            }
        }

        Assert.True(seen.Count >= 14, $"the random rounds published only {string.Join(", ", seen)}");
    }

    [Fact]
    public void An_agreement_payload_names_the_agreement_and_the_party_and_keeps_a_round_of_its_own()
    {
        var effect = new SignOff.Core.Agreements.PublishAgreementWebhook("t.0001", "party.joined", "mea-mou-2021-4be47b", "braintree", new DateTimeOffset(2022, 3, 1, 9, 0, 0, TimeSpan.Zero),
            System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal,
                [new KeyValuePair<string, string>("roundId", "accession-1"), new KeyValuePair<string, string>("version", "1")]));

        var payload = System.Text.Json.JsonDocument.Parse(WebhookPayload.For(effect)).RootElement;

        Assert.Equal("party.joined", payload.GetProperty("type").GetString());
        Assert.Equal("2022-03-01T09:00:00Z", payload.GetProperty("timestamp").GetString());
        var data = payload.GetProperty("data");
        Assert.Equal(["agreementId", "partyId", "roundId", "version"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("mea-mou-2021-4be47b", data.GetProperty("agreementId").GetString());
        Assert.Equal("accession-1", data.GetProperty("roundId").GetString());
    }

    [Fact]
    public void A_payload_is_type_timestamp_and_data_with_the_round_and_partner()
    {
        var e = new WebhookEvent("partner.decided", "mea-mou-1", "maldon", new DateTimeOffset(2021, 6, 30, 15, 0, 0, TimeSpan.Zero),
            System.Collections.Immutable.ImmutableSortedDictionary<string, string>.Empty.Add("outcome", "approved").Add("body", "Full \"Council\" <b>"));

        using var json = JsonDocument.Parse(WebhookPayload.For(e));

        Assert.Equal("partner.decided", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("2021-06-30T15:00:00Z", json.RootElement.GetProperty("timestamp").GetString());
        var data = json.RootElement.GetProperty("data");
        Assert.Equal("mea-mou-1", data.GetProperty("roundId").GetString());
        Assert.Equal("maldon", data.GetProperty("partnerId").GetString());
        Assert.Equal("Full \"Council\" <b>", data.GetProperty("body").GetString());
        Assert.Equal(WebhookPayload.MessageId("effect-1"), WebhookPayload.MessageId("effect-1"));
        Assert.NotEqual(WebhookPayload.MessageId("effect-1"), WebhookPayload.MessageId("effect-2"));
        Assert.Matches("^msg_[0-9a-f]{32}$", WebhookPayload.MessageId("effect-1"));
    }

    [Fact]
    public void The_schema_has_a_branch_and_a_matching_example_for_every_type()
    {
        var schema = WebhookCatalogue.Schema();
        var branches = schema["oneOf"]!.AsArray();

        Assert.Equal(WebhookCatalogue.Types.Count, branches.Count);
        foreach (var branch in branches)
        {
            var required = branch!["properties"]!["data"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal);
            var example = branch["examples"]![0]!["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal);
            Assert.Equal(required, example);
            Assert.Equal(branch["title"]!.GetValue<string>(), branch["examples"]![0]!["type"]!.GetValue<string>());
        }
    }
}
