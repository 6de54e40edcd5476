using Microsoft.AspNetCore.Diagnostics;

namespace SignOff.Host.Hosting;

/// <summary>
/// The one way an edge failure is answered: problem+json for the API, a plain page for people
/// (everything outside <c>/api</c>), with the same status.
/// </summary>
public sealed class PlainAnswers(IProblemDetailsService problems, Pages.PageRenderer pages)
{
    /// <summary>An answer, in both forms.</summary>
    /// <param name="Status">The HTTP status.</param>
    /// <param name="Type">The problem type's last segment.</param>
    /// <param name="Title">The problem's title.</param>
    /// <param name="Detail">The problem's detail (for a client).</param>
    /// <param name="Heading">The page's heading (for a person).</param>
    /// <param name="ForPeople">The page's paragraphs: what happened and what to do.</param>
    public sealed record Answer(int Status, string Type, string Title, string Detail, string Heading, IReadOnlyList<string> ForPeople);

    /// <summary>Writes the answer in the form the request's path calls for.</summary>
    public async Task WriteAsync(HttpContext context, Answer answer, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(answer);
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            var page = await pages.MessageAsync(context, answer.Heading, answer.ForPeople, answer.Status);
            await page.ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = answer.Status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = answer.Status,
                Type = "https://signoff.example/problems/" + answer.Type,
                Title = answer.Title,
                Detail = answer.Detail,
            },
        });
    }
}
