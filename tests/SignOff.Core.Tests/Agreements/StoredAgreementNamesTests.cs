using System.Reflection;
using System.Text.Json.Serialization;
using SignOff.Core.Agreements;

namespace SignOff.Core.Tests.Agreements;

/// <summary>
/// The register's triggers, events and effects travel through the task hub and are stored in the
/// agreement's history: their names on disk are pinned here. A type without a discriminator fails
/// only at run time in the durable engine, so every concrete type must be declared.
/// </summary>
public sealed class StoredAgreementNamesTests
{
    private static readonly Dictionary<Type, string> StoredEventNames = new()
    {
        [typeof(AgreementTookEffect)] = "agreement-took-effect",
        [typeof(AgreementVaried)] = "agreement-varied",
        [typeof(PartyJoined)] = "party-joined",
        [typeof(ReviewRecorded)] = "review-recorded",
        [typeof(ReviewScheduled)] = "review-scheduled",
        [typeof(ReviewReminderSent)] = "review-reminder-sent",
        [typeof(ReviewFellDue)] = "review-fell-due",
        [typeof(NoticeGiven)] = "notice-given",
        [typeof(PartyExited)] = "party-exited",
        [typeof(ContinuationRecorded)] = "continuation-recorded",
        [typeof(AgreementTimerScheduled)] = "timer-scheduled",
        [typeof(AgreementTimerCleared)] = "timer-cleared",
        [typeof(AgreementDeliveryFailed)] = "delivery-failed",
    };

    private static readonly Dictionary<Type, string> StoredTriggerNames = new()
    {
        [typeof(OpenAgreement)] = "open-agreement",
        [typeof(ApplyVariation)] = "apply-variation",
        [typeof(AdmitParty)] = "admit-party",
        [typeof(RecordReview)] = "record-review",
        [typeof(GiveNotice)] = "give-notice",
        [typeof(RecordContinuation)] = "record-continuation",
        [typeof(FireAgreementTimer)] = "fire-timer",
        [typeof(RecordAgreementDeliveryFailure)] = "record-delivery-failure",
    };

    private static readonly Dictionary<Type, string> StoredEffectNames = new()
    {
        [typeof(SendAgreementNotice)] = "agreement-notice",
        [typeof(PublishAgreementWebhook)] = "agreement-webhook",
    };

    [Fact]
    public void Every_event_keeps_its_stored_name() => Assert.Equal(StoredEventNames.OrderBy(p => p.Value), Declared(typeof(AgreementEvent)).OrderBy(p => p.Value));

    [Fact]
    public void Every_trigger_keeps_its_stored_name() => Assert.Equal(StoredTriggerNames.OrderBy(p => p.Value), Declared(typeof(AgreementTrigger)).OrderBy(p => p.Value));

    [Fact]
    public void Every_effect_keeps_its_stored_name() => Assert.Equal(StoredEffectNames.OrderBy(p => p.Value), Declared(typeof(AgreementEffect)).OrderBy(p => p.Value));

    [Theory]
    [InlineData(typeof(AgreementEvent))]
    [InlineData(typeof(AgreementTrigger))]
    [InlineData(typeof(AgreementEffect))]
    public void Every_concrete_type_has_a_discriminator(Type root)
    {
        var concrete = root.Assembly.GetTypes().Where(t => t.IsSubclassOf(root) && !t.IsAbstract).ToHashSet();

        Assert.NotEmpty(concrete);
        Assert.Equal(concrete.OrderBy(t => t.Name), Declared(root).Keys.OrderBy(t => t.Name));
    }

    private static Dictionary<Type, string> Declared(Type root) =>
        root.GetCustomAttributes<JsonDerivedTypeAttribute>().ToDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);
}
