using SignOff.Core.Wording;

namespace SignOff.Core.Agreements;

/// <summary>What kind of thing is due on an agreement.</summary>
public enum DueKind
{
    /// <summary>Parties left and the partnership's view on carrying on is awaited: the coordinator records it.</summary>
    ContinuationView,

    /// <summary>A review has fallen due (or its date has passed) and its outcome is not recorded: the coordinator records it.</summary>
    ReviewDue,

    /// <summary>The next review, still ahead.</summary>
    ReviewAhead,

    /// <summary>A party on notice: its notice ends and it leaves.</summary>
    NoticeEnding,

    /// <summary>The last review found a variation is needed and none is going round: the coordinator proposes one.</summary>
    VariationNeeded,
}

/// <summary>One thing due on an agreement.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="On">The date it is due (none for a view awaited since parties left).</param>
/// <param name="Text">A sentence for people.</param>
/// <param name="PartyId">The party it is about, when it is about one.</param>
public sealed record DueItem(DueKind Kind, DateOnly? On, string Text, string? PartyId = null)
{
    /// <summary>True when the coordinator has to act (record a view, a review's outcome); false for what the register will do by itself.</summary>
    public bool NeedsCoordinator => Kind is DueKind.ContinuationView or DueKind.ReviewDue or DueKind.VariationNeeded;
}

/// <summary>What is due next on an agreement: the register's list and the agreement page lead with it.</summary>
/// <remarks>
/// An agreement in force mostly waits, for months; what a coordinator needs from the list is what
/// the next thing is and whether it is theirs to do. What needs the coordinator comes first, then
/// everything else by date. An agreement that has ended has nothing due.
/// </remarks>
public static class AgreementDue
{
    /// <summary>Everything due, what needs the coordinator first, then by date.</summary>
    /// <param name="agreement">The agreement as it stands.</param>
    /// <param name="today">Today in London: a review whose date has passed is due even before the register's timer fires.</param>
    /// <param name="variationGoingRound">A variation of it is going round, so one the last review asked for is in hand.</param>
    public static IReadOnlyList<DueItem> Of(AgreementState agreement, DateOnly today, bool variationGoingRound = false)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var due = new List<DueItem>();
        if (!agreement.ContinuationViewsDue.IsEmpty)
        {
            var left = AgreementTimeline.Names(agreement.ContinuationViewsDue.Select(id => agreement.FindParty(id)?.Name ?? id));
            due.Add(new DueItem(DueKind.ContinuationView, null, $"Record the partnership's view on carrying on: {left} left."));
        }

        if (agreement.Status == AgreementStatus.Ended)
        {
            return due;
        }

        if (agreement.VariationAwaited && !variationGoingRound)
        {
            due.Add(new DueItem(DueKind.VariationNeeded, null, "Propose a variation: the last review found one is needed."));
        }

        if (agreement.NextReview is { } review)
        {
            var dueSince = agreement.ReviewDueSince ?? (review.DueOn <= today ? review.DueOn : null);
            due.Add(dueSince is { } since
                ? new DueItem(DueKind.ReviewDue, since, $"Record the outcome of the review due on {UkDates.Long(since)}.")
                : new DueItem(DueKind.ReviewAhead, review.DueOn, $"Review due on {UkDates.Long(review.DueOn)}."));
        }

        due.AddRange(agreement.Parties
            .Where(p => p is { Status: PartyStatus.OnNotice, Notice: not null })
            .Select(p => new DueItem(DueKind.NoticeEnding, p.Notice!.EndsOn, $"{p.Name}'s notice ends: bound until {UkDates.Long(p.Notice.EndsOn)}.", p.PartyId)));
        return [.. due.OrderBy(d => d.NeedsCoordinator ? 0 : 1).ThenBy(d => d.On ?? DateOnly.MinValue)];
    }
}
