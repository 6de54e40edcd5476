using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using SignOff.Host.Access;
using SignOff.Host.Pages.Shared;

namespace SignOff.Host.Pages;

/// <summary>What every page needs besides its own model: the anti-forgery field and whether a coordinator is signed in.</summary>
/// <param name="FormFieldName">The anti-forgery form field's name.</param>
/// <param name="FormToken">The anti-forgery request token for this response.</param>
/// <param name="SignedIn">True when a coordinator is signed in (the navigation shows).</param>
/// <param name="Person">Who is signed in, as the audit log will name them; null when nobody is.</param>
public sealed record PageChrome(string FormFieldName, string FormToken, bool SignedIn, string? Person = null);

/// <summary>
/// Renders pages: Razor components through the framework's <see cref="HtmlRenderer"/> — the
/// same typed, encoding-by-default technology as the emails — served as static HTML that needs
/// no JavaScript.
/// </summary>
/// <remarks>
/// Pages are rendered to a string and sent whole rather than through Blazor's endpoint
/// rendering, so each handler stays an ordinary minimal-API endpoint that decides the status
/// code (a 422 with the form and its errors, a 404 plain page) and the security headers.
/// </remarks>
public sealed class PageRenderer(IServiceProvider services, ILoggerFactory loggers, IAntiforgery antiforgery)
{
    /// <summary>Renders <typeparamref name="TPage"/> with its model.</summary>
    public async Task<IResult> RenderAsync<TPage>(HttpContext http, object model, int status = StatusCodes.Status200OK)
        where TPage : IComponent
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var signedIn = http.User.IsInRole(CoordinatorSession.Role);
        var chrome = new PageChrome(tokens.FormFieldName, tokens.RequestToken ?? "", signedIn, signedIn ? Coordinators.Of(http).Name : null);
        await using var renderer = new HtmlRenderer(services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<PageHost>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(PageHost.Chrome)] = chrome,
                [nameof(PageHost.Page)] = typeof(TPage),
                [nameof(PageHost.Model)] = model,
            }));
            return output.ToHtmlString();
        });
        return new PageResult(html, status);
    }

    /// <summary>A plain page with a heading and a few sentences: for refusals, expired links and confirmations.</summary>
    public Task<IResult> MessageAsync(HttpContext http, string title, IReadOnlyList<string> paragraphs, int status = StatusCodes.Status200OK, string? backHref = null, string? backLabel = null) =>
        RenderAsync<MessagePage>(http, new MessageModel(title, paragraphs, backHref, backLabel), status);

    /// <summary>A confirmation: its heading, what was recorded row by row, a few sentences, and the link onwards when something is next.</summary>
    public Task<IResult> ConfirmationAsync(HttpContext http, string title, IReadOnlyList<RecordedRow> recorded, IReadOnlyList<string> paragraphs, OnwardLink? next) =>
        RenderAsync<MessagePage>(http, new MessageModel(title, paragraphs, Recorded: recorded, Next: next));
}

/// <summary>
/// An HTML page with the headers every page carries: no caching (pages show personal data and
/// officers' links are secrets), no referrer (a link's token must never leak to another site),
/// and a content security policy that allows no script at all.
/// </summary>
public sealed class PageResult(string html, int status) : IResult
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        SecurityHeaders(response);
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(httpContext.Request.Method))
        {
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
        }
    }

    /// <summary>The headers for anything a page serves, including downloads.</summary>
    public static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
    }
}
