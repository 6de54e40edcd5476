using Microsoft.AspNetCore.Http.Features;
using SignOff.Host.Configuration;
using SignOff.Host.Commands;
using SignOff.Storage.Blobs;

namespace SignOff.Host.Hosting;

/// <summary>
/// Every upload over the limit gets the same answer — <c>413 document-too-large</c> as
/// problem+json for the API, a plain page for people — whether the server, the form reader or
/// SignOff's own check notices first, and nothing is stored.
/// </summary>
/// <remarks>
/// <para>A request that says how long it is (<c>Content-Length</c>) is refused before its body
/// is read. One that does not (chunked) is cut off by the server's body limit or the form
/// reader's multipart limit as it streams in; both throw, and <see cref="EdgeExceptionHandler"/> answers them with this —
/// before it, those uploads got a 500.</para>
/// <para>The limit is the largest document plus room for the form's other fields, the same as
/// the server's and the form reader's limits (<see cref="SignOffHosting"/>).</para>
/// </remarks>
public sealed class UploadLimit(SignOffOptions options, PlainAnswers answers) : IMiddleware
{
    /// <summary>The form fields besides the document: the definition, the roster, the names and dates.</summary>
    public const long FormAllowance = 2 * 1024 * 1024;

    /// <summary>The largest request body accepted.</summary>
    public long MaxRequestBytes => options.MaxDocumentBytes + FormAllowance;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Request.ContentLength > MaxRequestBytes)
        {
            await answers.WriteAsync(context, Answer, null);
            return;
        }

        await next(context);
    }

    /// <summary>True when an exception is the server's or the form reader's body limit cutting an upload off.</summary>
    public bool IsOverLimit(HttpContext context, Exception exception) =>
        exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
        // The form reader's own limit (FormOptions.MultipartBodyLengthLimit): it throws this type for nothing else while reading a multipart body.
        || (exception is InvalidDataException && context.Request.HasFormContentType && context.Features.Get<IFormFeature>()?.Form is null);

    /// <summary>The one answer to an upload over the limit.</summary>
    public PlainAnswers.Answer Answer
    {
        get
        {
            var detail = $"The upload is larger than the limit of {Megabytes(MaxRequestBytes)}: a document may be up to {Megabytes(options.MaxDocumentBytes)}.";
            return new PlainAnswers.Answer(FailureAnswers.For(DocumentProblem.TooLarge), detail,
                "The file is too large", [detail, "Go back and choose a smaller file: nothing has been saved."]);
        }
    }

    private static string Megabytes(long bytes) => bytes >= 1024 * 1024
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1024} KB");
}
