using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>
/// The one way an edge failure is answered: problem+json for the API, a plain page for people
/// (everything outside <c>/api</c>), with the same status.
/// </summary>
public sealed class PlainAnswers(IProblemDetailsService problems, Pages.PageRenderer pages)
{
    /// <summary>An answer, in both forms.</summary>
    /// <param name="Http">The status, problem type and title, from <see cref="FailureAnswers"/>.</param>
    /// <param name="Detail">The problem's detail (for a client).</param>
    /// <param name="Heading">The page's heading (for a person).</param>
    /// <param name="ForPeople">The page's paragraphs: what happened and what to do.</param>
    public sealed record Answer(FailureAnswer Http, string Detail, string Heading, IReadOnlyList<string> ForPeople);

    /// <summary>Writes the answer in the form the request's path calls for.</summary>
    public async Task WriteAsync(HttpContext context, Answer answer, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(answer);
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            var page = await pages.MessageAsync(context, answer.Heading, answer.ForPeople, answer.Http.Status);
            await page.ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = answer.Http.Status;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = answer.Http.Status,
                Type = "https://signoff.example/problems/" + answer.Http.Type,
                Title = answer.Http.Title,
                Detail = answer.Detail,
            },
        });
    }
}
