using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using SignOff.Host.Commands;

namespace SignOff.Host.Hosting;

/// <summary>
/// A request the framework could not read — a JSON body with the wrong types, malformed JSON, a
/// missing body, a body of the wrong media type — answered as <c>invalid-request</c> problem+json
/// with the framework's status (400, 415) and what was wrong (for the API), or a plain page (for
/// people); never a bare status or a 500.
/// </summary>
/// <remarks>
/// Minimal APIs throw <see cref="BadHttpRequestException"/> for these when
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on, which <see cref="SignOffHosting"/> sets in
/// every environment so the answer is the same in production as in development. Oversized bodies
/// (413) are <see cref="UploadLimit"/>'s.
/// </remarks>
public sealed class BadRequestHandler(PlainAnswers answers) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException { StatusCode: >= 400 and < 500 and not StatusCodes.Status413PayloadTooLarge } bad)
        {
            return false;
        }

        // The JSON reader's own words say where (a path and a line) and what it expected.
        var detail = bad.InnerException is JsonException json ? $"{bad.Message} {json.Message}" : bad.Message;
        await answers.WriteAsync(httpContext, new PlainAnswers.Answer(FailureAnswers.UnreadableRequest(bad.StatusCode), detail,
            "The form could not be read", ["Go back, check what you entered and try again: nothing has been saved."]), exception);
        return true;
    }
}
