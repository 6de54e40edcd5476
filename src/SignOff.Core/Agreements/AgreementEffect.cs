using System.Collections.Immutable;
using System.Text.Json.Serialization;
using SignOff.Core.Rounds;

namespace SignOff.Core.Agreements;

/// <summary>Something the register asks the host to do once its events are committed: an email, a webhook.</summary>
/// <remarks>
/// The id is <c>{triggerId}.{n}</c>, so a redelivered trigger can never send twice. Effects travel
/// through the task hub (an effects orchestration's input), so the discriminators are stored
/// format: never renamed.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$effect")]
[JsonDerivedType(typeof(SendAgreementNotice), "agreement-notice")]
[JsonDerivedType(typeof(PublishAgreementWebhook), "agreement-webhook")]
public abstract record AgreementEffect(string EffectId);

/// <summary>Email people about the agreement.</summary>
public sealed record SendAgreementNotice(string EffectId, AgreementNotice Notice) : AgreementEffect(EffectId);

/// <summary>Tell subscribed systems (<c>agreement.*</c>, <c>party.*</c>).</summary>
public sealed record PublishAgreementWebhook(string EffectId, string Type, string AgreementId, string? PartyId, DateTimeOffset OccurredAt,
    ImmutableSortedDictionary<string, string> Data) : AgreementEffect(EffectId);

/// <summary>What an agreement email is about.</summary>
public enum AgreementNoticeKind
{
    /// <summary>A review is coming (coordinator and parties).</summary>
    ReviewReminder,

    /// <summary>A review is due: the coordinator records its outcome.</summary>
    ReviewDue,

    /// <summary>A party gave notice (the other parties, the chairs, the coordinator).</summary>
    NoticeGiven,

    /// <summary>A party left; the coordinator is asked for the partnership's view on carrying on.</summary>
    PartyExited,

    /// <summary>A variation took effect (every party, the chairs).</summary>
    Varied,

    /// <summary>An organisation joined (every party, the chairs).</summary>
    PartyJoined,

    /// <summary>A webhook subscription was disabled after one of the agreement's events could not be delivered (the coordinator).</summary>
    WebhookStopped,
}

/// <summary>An email about an agreement in the register.</summary>
/// <param name="Kind">What it is about.</param>
/// <param name="To">Who gets it, each once.</param>
/// <param name="AgreementId">The agreement.</param>
/// <param name="Title">Its title.</param>
/// <param name="Reference">Its reference.</param>
/// <param name="Coordinator">Who keeps the register: the Reply-To.</param>
/// <param name="PartyName">The party it is about, if any.</param>
/// <param name="On">The date that matters: the review's due date, the notice's end, the exit, the version's effective date.</param>
/// <param name="Version">The version in force after the change.</param>
public sealed record AgreementNotice(AgreementNoticeKind Kind, ImmutableList<Recipient> To, string AgreementId, string Title, string Reference, Definitions.Person Coordinator,
    string? PartyName, DateOnly? On, int Version)
{
    /// <summary>For a reminder: working days until the review is due.</summary>
    public int? WorkingDaysLeft { get; init; }

    /// <summary>Why, when someone said (a notice's reason).</summary>
    public string? Reason { get; init; }

    /// <summary>For <see cref="AgreementNoticeKind.WebhookStopped"/>: what could not be delivered, and the subscription disabled.</summary>
    public DeliveryFailure? Failure { get; init; }
}
