using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>A round that did not confirm a trigger in time: 503 with Retry-After, never a bare 500.</summary>
/// <remarks>Nothing is lost: the trigger was sent, and sending it again with the same id (Idempotency-Key, the same form) records it once.</remarks>
public sealed class RoundBusyHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not RoundBusyException busy)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
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
