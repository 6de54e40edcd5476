using System.Reflection;
using System.Text.Json;
using SignOff.Core.Agreements;
using SignOff.Core.Webhooks;
using static SignOff.Core.Tests.Agreements.AgreementHarness;
using static SignOff.Core.Tests.Support.RoundHarness;

namespace SignOff.Core.Tests.Webhooks;

/// <summary>
/// The register's webhook events are in the published catalogue, with exactly the fields the
/// register sends: a subscriber can name them, and the schema it reads describes what arrives.
/// </summary>
public sealed class AgreementWebhookCatalogueTests
{
    private static IReadOnlyList<string> RegisterTypes() =>
        [.. typeof(AgreementWebhookTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true, IsInitOnly: false } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void Every_type_the_register_declares_is_catalogued_as_about_an_agreement()
    {
        var declared = RegisterTypes();

        Assert.Equal(["agreement.reviewed", "agreement.varied", "party.notice_given", "party.exited", "party.joined"], declared);
        Assert.All(declared, type =>
        {
            var entry = WebhookCatalogue.Find(type);
            Assert.True(entry is not null, $"{type} is declared in AgreementWebhookTypes but missing from WebhookCatalogue");
            Assert.Equal(WebhookSubject.Agreement, entry.Subject);
        });
        Assert.Equal(declared.Order(StringComparer.Ordinal),
            WebhookCatalogue.Types.Where(t => t.Subject == WebhookSubject.Agreement).Select(t => t.Type).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_event_the_register_publishes_carries_exactly_the_catalogued_fields()
    {
        // An agreement with a review cycle: a party leaves on notice, a review is recorded, a variation and an accession take effect.
        var register = Opened(At(2022, 3, 1), Terms(reviews: new ReviewCycle.Every(6, D("2022-07-01"))), "Maldon District Council", "Chelmsford City Council", "Farleigh Hospice");
        register.Apply(new GiveNotice("notice-1", Id("Farleigh Hospice"), D("2022-03-01"), "Merging", Coordinator));
        register.AdvanceTo(At(2022, 7, 1, 12));
        register.Apply(new RecordReview("review-1", D("2022-07-01"), ReviewOutcome.VariationNeeded, "The annex is out of date.", Coordinator));
        register.Apply(new ApplyVariation("vary-1", "mea-mou-variation-1", Document("v2"), D("2022-07-01"),
            [SignatoryFor("Maldon District Council", 1), SignatoryFor("Chelmsford City Council", 1)]));
        register.Apply(new AdmitParty("join-1", "accession-1", SignatoryFor("Provide CIC", 2), 2, D("2022-07-01")));

        var published = register.Effects.OfType<PublishAgreementWebhook>().ToList();

        Assert.Equal(RegisterTypes().Order(StringComparer.Ordinal), published.Select(w => w.Type).Distinct().Order(StringComparer.Ordinal));
        Assert.All(published, w =>
        {
            var type = WebhookCatalogue.Find(w.Type);
            Assert.NotNull(type);
            Assert.Equal(type.Fields.Select(f => f.Name).Order(StringComparer.Ordinal), w.Data.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(type.AboutPartner, w.PartyId is not null);
        });
    }

    [Fact]
    public void A_register_event_is_described_by_the_schema_with_the_agreement_and_the_party_and_its_example_is_what_is_sent()
    {
        var branch = WebhookCatalogue.Schema()["oneOf"]!.AsArray().Single(b => b!["title"]!.GetValue<string>() == "party.notice_given")!;
        var data = branch["properties"]!["data"]!;

        Assert.Equal(["agreementId", "partyId", "givenOn", "boundUntil"], data["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("date", data["properties"]!["boundUntil"]!["format"]!.GetValue<string>());
        Assert.False(data["properties"]!.AsObject().ContainsKey("roundId"));

        // The example has the shape of a payload the register builds for the same event.
        var register = Opened(At(2022, 3, 1), Terms(), "Maldon District Council", "Chelmsford City Council");
        register.Apply(new GiveNotice("notice-1", Id("Maldon District Council"), D("2022-03-01"), null, Coordinator));
        var sent = JsonDocument.Parse(WebhookPayload.For(Assert.Single(register.Webhooks(AgreementWebhookTypes.NoticeGiven)))).RootElement.GetProperty("data");
        var example = branch["examples"]![0]!["data"]!.AsObject();
        Assert.Equal(sent.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), example.Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
