using System.Collections.Immutable;
using System.Text.Json.Nodes;
using SignOff.Core.Agreements;
using SignOff.Core.Rounds;

namespace SignOff.Core.Webhooks;

/// <summary>One field of an event's <c>data</c>.</summary>
public sealed record WebhookField(string Name, string Description, string Example, string Format = "string");

/// <summary>What an event is about, and so which id its <c>data</c> starts with.</summary>
public enum WebhookSubject
{
    /// <summary>A round: <c>roundId</c>, and <c>partnerId</c> for an event about a partner.</summary>
    Round,

    /// <summary>An agreement in the register: <c>agreementId</c>, and <c>partyId</c> for an event about a party.</summary>
    Agreement,

    /// <summary>Nothing: the test event.</summary>
    None,
}

/// <summary>One event type: what it means, what its data holds, and an example.</summary>
/// <param name="Type">The type, as sent in <c>type</c> and named in a subscription's <c>events</c>.</param>
/// <param name="Description">What it means.</param>
/// <param name="AboutPartner">True when the event is about one partner of a round (<c>partnerId</c>) or one party to an agreement (<c>partyId</c>).</param>
/// <param name="Fields">The rest of its <c>data</c>.</param>
/// <param name="Subject">What it is about: a round, an agreement in the register, or nothing.</param>
public sealed record WebhookEventType(string Type, string Description, bool AboutPartner, IReadOnlyList<WebhookField> Fields, WebhookSubject Subject = WebhookSubject.Round)
{
    /// <summary>The name of the id of the partner or party the event is about, in <c>data</c>.</summary>
    public string PartnerKey => Subject == WebhookSubject.Agreement ? "partyId" : "partnerId";

    /// <summary>The name of the id of what the event is about, in <c>data</c>; null for the test event.</summary>
    public string? SubjectKey => Subject switch
    {
        WebhookSubject.Round => "roundId",
        WebhookSubject.Agreement => "agreementId",
        _ => null,
    };
}

/// <summary>
/// Every webhook event SignOff publishes, with its fields: the source of the published JSON
/// Schema and examples. A test drives rounds through the engine and checks that each event's data
/// carries exactly the fields listed here, so the documentation cannot drift from what is sent;
/// another drives the agreement register the same way for its <c>agreement.*</c> and <c>party.*</c>
/// events. A subscription may name only the types listed here.
/// </summary>
public static class WebhookCatalogue
{
    /// <summary>The type of the test event a subscriber can ask for.</summary>
    public const string TestEvent = "webhook.test";

    private static readonly WebhookField Version = new("version", "The draft version number.", "2", "integer-string");
    private static readonly WebhookField Sha256 = new("sha256", "The SHA-256 of the document, lower-case hex.", "09459fb690a26187a73c5f82da1ce45c613c3cbdceec1167f98bcff11b1f7986");

    public static IReadOnlyList<WebhookEventType> Types { get; } =
    [
        new(WebhookEventTypes.RoundStarted, "A round was launched: the draft is out with the partners.", false,
            [new("title", "The agreement's title.", "Mid Essex Alliance Memorandum of Understanding"), new("reference", "The agreement's reference.", "MEA-MOU-2021"),
             new("deadline", "The round's deadline (Europe/London).", "2021-07-31", "date"), new("partners", "How many partners were invited.", "19", "integer-string")]),
        new(WebhookEventTypes.PartnerInvited, "A partner was invited (at launch, or added mid-round).", true,
            [new("name", "The partner organisation.", "Maldon District Council"), new("dueOn", "The partner's due date.", "2021-07-31", "date"),
             new("route", "The governance route id.", "full-council")]),
        new(WebhookEventTypes.PartnerAcknowledged, "A partner's officer acknowledged the invitation.", true, [new("by", "Who acknowledged.", "Jo Bloggs")]),
        new(WebhookEventTypes.PartnerReminded, "A partner was reminded that its decision is due or overdue.", true,
            [new("overdue", "Whether the decision is overdue.", "false", "boolean-string"), new("workingDaysLeft", "Working days left before the due date (negative when overdue).", "5", "integer-string")]),
        new(WebhookEventTypes.PartnerMeetingScheduled, "A partner's meeting (or decision date) was set or moved, by its officer or from its published calendar.", true,
            [new("meetingOn", "The meeting date.", "2021-06-30", "date"), new("afterDueDate", "Whether the meeting falls after the partner's due date.", "false", "boolean-string")]),
        new(WebhookEventTypes.PartnerDatesChanged, "A partner's due date or meeting date changed: moved by the coordinator, or its published meeting no longer listed.", true,
            [new("dueOn", "The partner's due date now.", "2021-07-31", "date"), new("meetingOn", "The meeting date now (YYYY-MM-DD), or empty.", "2021-07-14"),
             new("previousDueOn", "The due date before.", "2021-07-09", "date"), new("previousMeetingOn", "The meeting date before (YYYY-MM-DD), or empty.", "2021-06-30")]),
        new(WebhookEventTypes.PartnerDecided, "A partner's decision was recorded.", true,
            [new("outcome", "approved, approved-with-conditions, deferred or declined.", "approved"), new("body", "The decision-making body.", "Full Council"),
             new("decidedOn", "The date of the decision.", "2021-06-30", "date"), Version, new("minuteReference", "The minute reference, or empty.", "FC 45/2021")]),
        new(WebhookEventTypes.PartnerCallInStarted, "A partner's decision entered its call-in period.", true,
            [new("endsOn", "The last day of the call-in period.", "2021-07-07", "date"), new("clearWorkingDays", "The call-in length in clear working days.", "5", "integer-string")]),
        new(WebhookEventTypes.PartnerCalledIn, "A scrutiny committee called a partner's decision in: it waits for the call-in's outcome.", true,
            [new("calledInOn", "The date it was called in.", "2021-07-05", "date"), new("committee", "The committee that called it in, or empty.", "Overview and Scrutiny Committee"),
             new("reason", "The grounds given, or empty.", "")]),
        new(WebhookEventTypes.PartnerCallInResolved, "A called-in decision was upheld (the partner is then authorised) or referred back (the partner decides again).", true,
            [new("outcome", "upheld or referred-back.", "upheld"), new("decidedOn", "The date of the outcome.", "2021-07-20", "date"), new("note", "What was said, or empty.", "")]),
        new(WebhookEventTypes.PartnerDecisionCorrected, "The coordinator corrected a partner's recorded decision; the partner now stands where the corrected decision puts it.", true,
            [new("outcome", "The corrected outcome: approved, approved-with-conditions, deferred or declined.", "approved"),
             new("previousOutcome", "The outcome recorded before.", "declined"), new("decidedOn", "The corrected date of the decision.", "2021-06-30", "date"),
             new("minuteReference", "The corrected minute reference, or empty.", "FC 45/2021"), new("reason", "Why the record was wrong.", "The wrong outcome was pressed.")]),
        new(WebhookEventTypes.PartnerConditionsAccepted, "The coordinator accepted a partner's conditions.", true, [new("conditions", "The conditions.", "Subject to the data-sharing annex.")]),
        new(WebhookEventTypes.PartnerConditionsRejected, "The coordinator rejected a partner's conditions; the partner decides again.", true, [new("reason", "Why.", "The annex cannot change.")]),
        new(WebhookEventTypes.PartnerAuthorised, "A partner may now sign: its decision stands and any call-in is over.", true, [new("authorisedOn", "The date it was authorised.", "2021-07-08", "date")]),
        new(WebhookEventTypes.PartnerCounterpartReceived, "A partner's signed counterpart arrived.", true,
            [Version, Sha256, new("signatoryName", "Who signed.", "Richard Holmes"), new("signatoryPosition", "Their position.", "Chief Executive"),
             new("signedOn", "The date it was signed.", "2021-07-09", "date"),
             new("signature", "How the signature was established: signed-in-sign-off, digitally-signed, not-digitally-signed or photo (empty: not checked).", "digitally-signed"),
             new("signer", "The signing certificate's subject (a digital signature), or empty.", "CN=Richard Holmes, O=Maldon District Council")]),
        new(WebhookEventTypes.PartnerCounterpartHeldForReview, "A partner's counterpart is not verified and the round reviews such counterparts: it waits for the coordinator.", true,
            [new("signature", "How it was signed: not-digitally-signed or photo.", "photo")]),
        new(WebhookEventTypes.PartnerCounterpartAccepted, "The coordinator accepted a partner's counterpart after review: it counts.", true, [Sha256]),
        new(WebhookEventTypes.PartnerCounterpartRejected, "The coordinator rejected a partner's counterpart; the partner is asked for another.", true,
            [Sha256, new("reason", "Why.", "The signature page is missing.")]),
        new(WebhookEventTypes.PartnerWithdrawn, "A partner withdrew from the round.", true,
            [new("noticeOn", "The date notice was given.", "2021-07-01", "date"), new("reason", "The reason, or empty.", "")]),
        new(WebhookEventTypes.PartnerRemoved, "The coordinator removed a partner (after a decline).", true, [new("reason", "The reason, or empty.", "Declined at Cabinet.")]),
        new(WebhookEventTypes.PartnerOfficerChanged, "A partner's officer handed over to a colleague.", true, []),
        new(WebhookEventTypes.RoundRevised, "A revised draft was circulated.", false,
            [Version, new("kind", "minor (decisions stand) or material (every partner decides again).", "minor"), Sha256]),
        new(WebhookEventTypes.RoundStalled, "The round stalled: a partner declined, or none remains.", false, [new("reason", "Why.", "Maldon District Council declined.")]),
        new(WebhookEventTypes.RoundResumed, "A stalled round is circulating again.", false, []),
        new(WebhookEventTypes.RoundOverdue, "A partner's decision became overdue (the chairs were told).", true, [new("dueOn", "The due date that passed.", "2021-07-31", "date")]),
        new(WebhookEventTypes.RoundCancelled, "The coordinator cancelled the round.", false, [new("reason", "Why.", "Superseded by the ICS agreement.")]),
        new(WebhookEventTypes.AgreementEffective, "Every remaining partner has signed: the agreement took effect.", false,
            [new("effectiveOn", "The effective date: the day the last counterpart arrived.", "2021-07-28", "date"), Version, Sha256]),
        new(AgreementWebhookTypes.Reviewed, "The coordinator recorded the outcome of an agreement's review; the next review is scheduled.", false,
            [new("outcome", "no-change or variation-needed.", "no-change"), new("reviewedOn", "The date of the review.", "2022-07-01", "date"),
             new("nextReviewOn", "The nominal date of the next review (YYYY-MM-DD), or empty when the cycle has no more.", "2023-01-01")],
            WebhookSubject.Agreement),
        new(AgreementWebhookTypes.Varied, "A variation took effect: every party bound signed it, and its version is now in force.", false,
            [new("version", "The version now in force.", "2", "integer-string"), new("roundId", "The variation's round.", "mea-mou-variation-2022-9c31d0"),
             new("effectiveOn", "The day the variation took effect.", "2022-03-14", "date")],
            WebhookSubject.Agreement),
        new(AgreementWebhookTypes.NoticeGiven, "A party gave notice to leave the agreement; it stays bound until its notice ends.", true,
            [new("givenOn", "The day notice was given.", "2022-03-01", "date"), new("boundUntil", "The last day the party is bound; it leaves the day after.", "2022-03-31", "date")],
            WebhookSubject.Agreement),
        new(AgreementWebhookTypes.PartyExited, "A party's notice ran out: it is no longer bound. The agreement continues for the others.", true,
            [new("exitedOn", "The first day the party is no longer bound.", "2022-04-01", "date"),
             new("partiesRemaining", "How many parties the agreement still binds.", "18", "integer-string")],
            WebhookSubject.Agreement),
        new(AgreementWebhookTypes.PartyJoined, "An organisation acceded by its own round: its counterpart of the version in force binds it.", true,
            [new("roundId", "The accession's round.", "mea-mou-accession-2022-5e7a12"), new("joinedOn", "The day it became bound.", "2022-05-03", "date"),
             new("version", "The version it signed (the one in force).", "1", "integer-string")],
            WebhookSubject.Agreement),
        new(TestEvent, "A test event, sent when asked for; it is about no round.", false, [new("message", "A greeting.", "This is a test event from SignOff.")], WebhookSubject.None),
    ];

    private static readonly ImmutableDictionary<string, WebhookEventType> ByType = Types.ToImmutableDictionary(t => t.Type, StringComparer.Ordinal);

    /// <summary>The entry for a type, or null.</summary>
    public static WebhookEventType? Find(string type) => ByType.GetValueOrDefault(type);

    /// <summary>An example payload, exactly as it would be sent.</summary>
    public static JsonObject Example(WebhookEventType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var data = new JsonObject();
        if (type.SubjectKey is { } subject)
        {
            data[subject] = "mea-mou-2021-4be47b";
        }

        if (type.AboutPartner)
        {
            data[type.PartnerKey] = "maldon-district-council";
        }

        foreach (var f in type.Fields)
        {
            data[f.Name] = f.Example;
        }

        return new JsonObject { ["type"] = type.Type, ["timestamp"] = "2021-06-30T14:00:00Z", ["data"] = data };
    }

    /// <summary>A JSON Schema (2020-12) for every payload, one <c>oneOf</c> branch per type, with an example each.</summary>
    public static JsonObject Schema()
    {
        var branches = new JsonArray();
        foreach (var type in Types)
        {
            var properties = new JsonObject();
            var required = new JsonArray();
            if (type.SubjectKey is { } subject)
            {
                properties[subject] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = type.Subject == WebhookSubject.Agreement ? "The agreement's id in the register (the id of the round that made it)." : "The round's id.",
                };
                required.Add(subject);
            }

            if (type.AboutPartner)
            {
                properties[type.PartnerKey] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = type.Subject == WebhookSubject.Agreement ? "The party's id in the agreement." : "The partner's id in the round.",
                };
                required.Add(type.PartnerKey);
            }

            foreach (var f in type.Fields)
            {
                var field = new JsonObject { ["type"] = "string", ["description"] = f.Description };
                if (f.Format == "date")
                {
                    field["format"] = "date";
                }
                else if (f.Format == "integer-string")
                {
                    field["pattern"] = "^-?[0-9]+$";
                }
                else if (f.Format == "boolean-string")
                {
                    field["enum"] = new JsonArray("true", "false");
                }

                properties[f.Name] = field;
                required.Add(f.Name);
            }

            branches.Add(new JsonObject
            {
                ["title"] = type.Type,
                ["description"] = type.Description,
                ["type"] = "object",
                ["required"] = new JsonArray("type", "timestamp", "data"),
                ["properties"] = new JsonObject
                {
                    ["type"] = new JsonObject { ["const"] = type.Type },
                    ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "When it happened (UTC)." },
                    ["data"] = new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false },
                },
                ["examples"] = new JsonArray(Example(type)),
            });
        }

        return new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://signoff.example/schemas/webhook-event.json",
            ["title"] = "SignOff webhook event",
            ["description"] = "The body of every webhook SignOff sends, signed per the Standard Webhooks specification.",
            ["oneOf"] = branches,
        };
    }
}
