using System.Reflection;
using System.Text.Json.Serialization;
using SignOff.Core.Rounds;
using SignOff.Core.Tests.Support;

namespace SignOff.Core.Tests.Rounds;

/// <summary>
/// The round's events and triggers are its storage format (see <see cref="RoundEvent"/>): what an
/// earlier SignOff wrote must read back, so their names on disk are pinned here, and every one
/// round-trips unchanged.
/// </summary>
public sealed class StoredEventTests
{
    /// <summary>The discriminators as stored. Renaming one strands every round that recorded it.</summary>
    private static readonly Dictionary<Type, string> StoredEventNames = new()
    {
        [typeof(RoundStarted)] = "round-started",
        [typeof(PartnerInvited)] = "partner-invited",
        [typeof(InvitationAcknowledged)] = "invitation-acknowledged",
        [typeof(MeetingScheduled)] = "meeting-scheduled",
        [typeof(DecisionRecorded)] = "decision-recorded",
        [typeof(CallInStarted)] = "call-in-started",
        [typeof(CallInEnded)] = "call-in-ended",
        [typeof(ConditionsAccepted)] = "conditions-accepted",
        [typeof(ConditionsRejected)] = "conditions-rejected",
        [typeof(PartnerAuthorised)] = "partner-authorised",
        [typeof(CounterpartReceived)] = "counterpart-received",
        [typeof(CounterpartHeldForReview)] = "counterpart-held-for-review",
        [typeof(CounterpartAccepted)] = "counterpart-accepted",
        [typeof(CounterpartRejected)] = "counterpart-rejected",
        [typeof(DraftRevised)] = "draft-revised",
        [typeof(PartnerWithdrawn)] = "partner-withdrawn",
        [typeof(PartnerRemoved)] = "partner-removed",
        [typeof(OfficerDelegated)] = "officer-delegated",
        [typeof(PartnerDatesChanged)] = "partner-dates-changed",
        [typeof(InvitationResent)] = "invitation-resent",
        [typeof(OfficerLinkIssued)] = "officer-link-issued",
        [typeof(ReminderSent)] = "reminder-sent",
        [typeof(PartnerEscalated)] = "partner-escalated",
        [typeof(PartnerFellOverdue)] = "partner-fell-overdue",
        [typeof(CounterpartChased)] = "counterpart-chased",
        [typeof(DigestSent)] = "digest-sent",
        [typeof(RoundStalled)] = "round-stalled",
        [typeof(RoundResumed)] = "round-resumed",
        [typeof(RoundBecameEffective)] = "round-effective",
        [typeof(RoundCancelled)] = "round-cancelled",
        [typeof(TimerScheduled)] = "timer-scheduled",
        [typeof(TimerCleared)] = "timer-cleared",
        [typeof(DeliveryFailed)] = "delivery-failed",
        [typeof(TimersBeyondCalendar)] = "timers-beyond-calendar",
        [typeof(DecisionCorrected)] = "decision-corrected",
        [typeof(DecisionCalledIn)] = "decision-called-in",
        [typeof(CallInResolved)] = "call-in-resolved",
        [typeof(MeetingPublished)] = "meeting-published",
        [typeof(PublishedMeetingCancelled)] = "published-meeting-cancelled",
    };

    [Fact]
    public void Every_event_keeps_its_stored_name()
    {
        var declared = Declared(typeof(RoundEvent));

        Assert.Equal(StoredEventNames.OrderBy(p => p.Value), declared.OrderBy(p => p.Value));
    }

    [Fact]
    public void Events_stored_by_an_earlier_version_read_back()
    {
        // Written as SignOff wrote them before this test existed: no field added since may be required.
        var stored = """
            [
              {"$event":"decision-recorded","partnerId":"maldon-district-council","decision":{"version":1,"outcome":"approved-with-conditions","body":"Cabinet","decidedOn":"2021-06-15","minuteReference":"23","conditions":"Review after a year","reason":null,"deferredTo":null,"recordedBy":{"name":"Jo Bloggs","email":"jo@maldon.example","role":"officer"},"evidence":null},"triggerId":"form:1","at":"2021-06-16T09:00:00+00:00"},
              {"$event":"reminder-sent","partnerId":"maldon-district-council","on":"2021-07-01","overdue":true,"triggerId":"timer:r1","at":"2021-07-01T08:00:00+00:00"},
              {"$event":"round-effective","effectiveOn":"2021-09-01","triggerId":"upload:9","at":"2021-09-01T10:00:00+00:00"}
            ]
            """;

        var events = RoundJson.Deserialize<List<RoundEvent>>(stored);

        var decision = Assert.IsType<DecisionRecorded>(events[0]);
        Assert.Equal(DecisionOutcome.ApprovedWithConditions, decision.Decision.Outcome);
        Assert.Equal(new DateOnly(2021, 6, 15), decision.Decision.DecidedOn);
        Assert.Equal("form:1", decision.TriggerId);
        Assert.True(Assert.IsType<ReminderSent>(events[1]).Overdue);
        Assert.Equal(new DateOnly(2021, 9, 1), Assert.IsType<RoundBecameEffective>(events[2]).EffectiveOn);
    }

    [Fact]
    public void Every_event_of_random_histories_round_trips_through_its_stored_form()
    {
        var seen = new HashSet<Type>();
        var random = new Random(20211130);
        for (var i = 0; i < 100; i++)
        {
            var script = new RandomRoundScript();
            script.Run([.. Enumerable.Range(0, random.Next(5, 60)).Select(_ => random.Next())], (_, _, _) => { });
            foreach (var e in script.Round.Events)
            {
                var json = RoundJson.Serialize(e);
                Assert.Equal(json, RoundJson.Serialize(RoundJson.Deserialize<RoundEvent>(json)));
                Assert.StartsWith($$"""{"$event":"{{StoredEventNames[e.GetType()]}}" """.TrimEnd(), json, StringComparison.Ordinal);
                seen.Add(e.GetType());
            }
        }

        Assert.True(seen.Count >= 15, $"Random histories produced only {seen.Count} kinds of event."); // not vacuous
    }

    [Fact]
    public void Every_trigger_and_event_about_one_partner_says_so()
    {
        // A type with a PartnerId that is not IPartnerScoped would drop out of the partner page's history.
        var types = Declared(typeof(RoundEvent)).Keys.Concat(Declared(typeof(RoundTrigger)).Keys).ToList();

        var withPartner = types.Where(t => t.GetProperty(nameof(IPartnerScoped.PartnerId))?.PropertyType == typeof(string)).ToList();

        Assert.NotEmpty(withPartner);
        Assert.All(withPartner, t => Assert.True(typeof(IPartnerScoped).IsAssignableFrom(t), $"{t.Name} has a PartnerId but is not IPartnerScoped."));
        Assert.All(types.Except(withPartner), t => Assert.False(typeof(IPartnerScoped).IsAssignableFrom(t), t.Name));
    }

    private static Dictionary<Type, string> Declared(Type root) =>
        root.GetCustomAttributes<JsonDerivedTypeAttribute>().ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);
}
