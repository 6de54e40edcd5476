using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>A round that did not confirm a trigger in time: 503 with Retry-After, never a bare 500 — problem+json for the API, a plain page for people.</summary>
/// <remarks>Nothing is lost: the trigger was sent, and sending it again with the same id (Idempotency-Key, the same form) records it once.</remarks>
public sealed class RoundBusyHandler(IProblemDetailsService problems, Pages.PageRenderer pages) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not RoundBusyException busy)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        if (!httpContext.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            // A person pressed a button: tell them in words, and that pressing it again is safe.
            var page = await pages.MessageAsync(httpContext, "This is taking longer than usual",
                ["SignOff has your request but could not confirm it in time. Nothing has been lost.",
                 "Go back and press the button again in a few seconds: it will be recorded once, however often it is sent."],
                StatusCodes.Status503ServiceUnavailable);
            await page.ExecuteAsync(httpContext);
            return true;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = "https://signoff.example/problems/round-busy",
                Title = "The round is busy",
                Detail = $"{busy.Message} Nothing has been lost.",
            },
        });
    }
}
