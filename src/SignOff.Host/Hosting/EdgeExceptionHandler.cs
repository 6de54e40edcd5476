using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>
/// The exceptions the edge answers in the caller's terms — problem+json for the API, a plain page
/// for people, never a bare status or a 500 — each mapped to its answer in one place.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A round that did not confirm a trigger in time (<see cref="RoundBusyException"/>): 503
/// with Retry-After. Nothing is lost: the trigger was sent, and sending it again with the same id
/// (Idempotency-Key, the same form) records it once.</item>
/// <item>An upload over the limit, however it was noticed: <see cref="UploadLimit"/>'s answer.</item>
/// <item>A request the framework could not read — a JSON body with the wrong types, malformed
/// JSON, a missing body, the wrong media type: <c>invalid-request</c> with the framework's status
/// (400, 415). Minimal APIs throw for these because <c>RouteHandlerOptions.ThrowOnBadRequest</c>
/// is on in every environment, so production answers as development does.</item>
/// </list>
/// </remarks>
public sealed class EdgeExceptionHandler(PlainAnswers answers, UploadLimit uploads) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (AnswerFor(httpContext, exception) is not { } answer)
        {
            return false;
        }

        await answers.WriteAsync(httpContext, answer, exception);
        return true;
    }

    private PlainAnswers.Answer? AnswerFor(HttpContext http, Exception exception)
    {
        switch (exception)
        {
            case RoundBusyException busy:
                http.Response.Headers.RetryAfter = "5";
                return new PlainAnswers.Answer(FailureAnswers.RoundBusy, $"{busy.Message} Nothing has been lost.", "This is taking longer than usual",
                    ["SignOff has your request but could not confirm it in time. Nothing has been lost.",
                     "Go back and press the button again in a few seconds: it will be recorded once, however often it is sent."]);
            case AgreementBusyException busy:
                http.Response.Headers.RetryAfter = "5";
                return new PlainAnswers.Answer(FailureAnswers.AgreementBusy, $"{busy.Message} Nothing has been lost.", "This is taking longer than usual",
                    ["SignOff has your request but could not confirm it in time. Nothing has been lost.",
                     "Go back and press the button again in a few seconds: it will be recorded once, however often it is sent."]);
            case var _ when uploads.IsOverLimit(http, exception):
                return uploads.Answer;
            case BadHttpRequestException { StatusCode: >= 400 and < 500 } bad:
                // The JSON reader's own words say where (a path and a line) and what it expected.
                var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
                return new PlainAnswers.Answer(FailureAnswers.UnreadableRequest(bad.StatusCode), detail,
                    "The form could not be read", ["Go back, check what you entered and try again: nothing has been saved."]);
            default:
                return null;
        }
    }
}
