using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SignOff.Host.Access;
using SignOff.Host.Commands;
using SignOff.Storage.Feed;

namespace SignOff.Host.Api;

/// <summary>One event in the feed: where it is, which stream it belongs to, and the event as that stream's log shows it.</summary>
/// <param name="Position">Its place in the feed (1, 2, 3, …): for ordering and logs; page with <paramref name="Cursor"/>.</param>
/// <param name="Cursor">Ask for <c>after</c> this cursor to read on from this event.</param>
/// <param name="Stream"><c>round</c> or <c>agreement</c>.</param>
/// <param name="StreamId">The round's id, or the agreement's.</param>
/// <param name="Sequence">The event's number in its stream, as in <c>/api/rounds/{id}/events</c>.</param>
/// <param name="Type">The event's type, as in the round's audit log.</param>
/// <param name="At">When it happened.</param>
/// <param name="TriggerId">The request or timer that caused it.</param>
/// <param name="Data">The event itself, as the round's audit log shows it.</param>
public sealed record FeedEventView(long Position, string Cursor, string Stream, string StreamId, long Sequence, string Type, DateTimeOffset At, string TriggerId, JsonElement Data);

/// <summary>A page of the feed.</summary>
/// <param name="Events">Oldest first.</param>
/// <param name="Next">The cursor to read on from; null when the page reached the end of the feed.</param>
public sealed record FeedPageView(IReadOnlyList<FeedEventView> Events, string? Next);

/// <summary>The ordered event feed: every event of every round, oldest first, for systems that reconcile.</summary>
public static class EventFeedEndpoints
{
    public static void MapEventFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", ReadAsync).WithTags("Events").AddEndpointFilter<ApiKeyFilter>()
            .AnswersProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Every event of every round and every agreement, oldest first, from an opaque cursor: no event is skipped or repeated.")
            .WithDescription("""
                The feed beside the webhooks, for reconciling when a delivery was missed. Start without `after`; each event carries
                its `cursor`, and `next` is the cursor to ask `after` for the following page (null when the page reached the end:
                keep the last event's cursor and ask again later). Cursors are opaque: store and send them back as they are.
                Each round's and each agreement's events appear in their own order (`sequence`, as in `/api/rounds/{roundId}/events`
                and an agreement's `history` in `/api/agreements/{agreementId}`), each exactly once; `stream` is `round` or
                `agreement`, and `streamId` the round's or the agreement's id. `max` is 1 to 1000 (default 100). A cursor the feed
                did not give answers 422 `bad-cursor`.
                """);
    }

    private static async Task<Results<Ok<FeedPageView>, ProblemHttpResult>> ReadAsync(EventFeed feed, CancellationToken ct, string? after = null, int max = 100)
    {
        if (max is < 1 or > 1000)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.PageOutOfRange, "'max' is 1 to 1000."));
        }

        if (ParseCursor(after) is not { } position)
        {
            return Problems.From(new CommandFailure.Invalid(InputProblem.BadCursor, "'after' must be a cursor the feed gave (an event's cursor, or a page's next); leave it out to start from the beginning.", "after"));
        }

        var page = await feed.ReadAsync(position, max, ct);
        if (page.Entries.Count == 0 && position > 0 && await feed.LastPositionAsync(ct) < position)
        {
            // Ahead of the feed: not a cursor it gave, or the feed was reset; reading on would miss events silently.
            return Problems.From(new CommandFailure.Invalid(InputProblem.BadCursor, "'after' is beyond the end of the feed: it is not a cursor the feed gave.", "after"));
        }

        var events = page.Entries.Select(e => new FeedEventView(e.Position, Cursor(e.Position), e.Stream, e.StreamId, e.Event.Sequence, e.Event.Type, e.Event.At, e.Event.TriggerId, e.Event.Data)).ToList();
        return TypedResults.Ok(new FeedPageView(events, page.More ? events[^1].Cursor : null));
    }

    /// <summary>A cursor is the position, written in decimal; clients are told it is opaque so that it may change form later.</summary>
    private static string Cursor(long position) => position.ToString(CultureInfo.InvariantCulture);

    /// <returns>The position after which to read (0 for the start), or null when the text is not a cursor.</returns>
    private static long? ParseCursor(string? text) =>
        string.IsNullOrEmpty(text) ? 0
        : text.Length <= 19 && text[0] != '0' && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position
        : null;
}
