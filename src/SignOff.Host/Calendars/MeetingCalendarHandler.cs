using SignOff.Core.Rounds;
using SignOff.Host.Commands;
using SignOff.Host.Effects;
using SignOff.Workflow.Effects;

namespace SignOff.Host.Calendars;

/// <summary>
/// Performs calendar checks: reads the partner's published calendar and tells the round what it
/// lists, as a <see cref="RecordPublishedMeeting"/> trigger whose id is derived from the effect's.
/// </summary>
/// <remarks>
/// <para>What the listing means is the round's to decide. A refusal is the round saying there is
/// nothing to record — the same meeting as before (<see cref="RejectionCode.PublishedMeetingUnchanged"/>),
/// a partner that has since decided, a round that has closed — so it is logged and the check is
/// done: an unchanged calendar leaves no mark in the round's log, however many mornings it is read.</para>
/// <para>Idempotent without the ledger: a retried check raises the same trigger id, which the round
/// applies once. A feed that cannot be reached is thrown for the effect's retries; one SignOff
/// refuses to read (a non-public address, something that is not a calendar) is refused at once,
/// and the round's log records it as a delivery failure the coordinator can see.</para>
/// </remarks>
public sealed class MeetingCalendarHandler(CalendarFeedReader reader, IRoundEngine engine, ILogger<MeetingCalendarHandler> logger) : IEffectHandler
{
    public bool Handles(RoundEffect effect) => effect is CheckMeetingCalendar;

    public bool Idempotent => true;

    public async Task PerformAsync(EffectContext context, RoundEffect effect, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var check = (CheckMeetingCalendar)effect;
        logger.LogInformation("Round {RoundId}: reading {Feed} for {Body}'s next meeting before {DueOn}", context.RoundId, check.FeedUrl, check.Body, check.DueOn);
        PublishedMeeting? meeting;
        try
        {
            meeting = await reader.NextMeetingAsync(check, cancellationToken);
        }
        catch (CalendarFeedRefusedException refused)
        {
            throw new EffectRefusedException(refused.Message, refused);
        }

        var trigger = new RecordPublishedMeeting(RecordPublishedMeeting.IdFor(check.EffectId), check.PartnerId, check.FeedUrl, meeting?.On, meeting?.Uid, meeting?.Title);
        var decision = await engine.RunAsync(context.RoundId, _ => trigger, cancellationToken);
        switch (decision)
        {
            case RoundDecision.Rejected nothingNew:
                logger.LogInformation("Round {RoundId}: {Feed} lists {Meeting} for {Body}; nothing to record ({Code}: {Message})",
                    context.RoundId, check.FeedUrl, meeting?.On.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "no meeting", check.Body, nothingNew.Code, nothingNew.Message);
                break;
            default:
                logger.LogInformation("Round {RoundId}: recorded what {Feed} lists for {Body}", context.RoundId, check.FeedUrl, check.Body);
                break;
        }
    }
}
