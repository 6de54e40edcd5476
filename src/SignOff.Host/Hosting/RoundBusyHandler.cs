using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>A round that did not confirm a trigger in time: 503 with Retry-After, never a bare 500 — problem+json for the API, a plain page for people.</summary>
/// <remarks>Nothing is lost: the trigger was sent, and sending it again with the same id (Idempotency-Key, the same form) records it once.</remarks>
public sealed class RoundBusyHandler(PlainAnswers answers) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not RoundBusyException busy)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await answers.WriteAsync(httpContext, new PlainAnswers.Answer(FailureAnswers.RoundBusy,
            $"{busy.Message} Nothing has been lost.", "This is taking longer than usual",
            ["SignOff has your request but could not confirm it in time. Nothing has been lost.",
             "Go back and press the button again in a few seconds: it will be recorded once, however often it is sent."]), exception);
        return true;
    }
}
