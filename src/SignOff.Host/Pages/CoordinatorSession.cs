using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SignOff.Core.Rounds;
using SignOff.Host.Pages.Shared;
using SignOff.Host.Access;
using SignOff.Host.Configuration;

namespace SignOff.Host.Pages;

/// <summary>
/// A coordinator's session in the browser: sign in once with an API key, then an encrypted,
/// HTTP-only, SameSite cookie carries the session for eight hours of activity.
/// </summary>
/// <remarks>
/// The key is checked exactly as the API checks it (by SHA-256 hash, in constant time) and is
/// never stored in the cookie: the cookie names only which key (the first characters of its
/// hash), for the audit log.
/// </remarks>
public static class CoordinatorSession
{
    public const string Scheme = "SignOff.Coordinator";

    public const string Role = "coordinator";

    public static void AddCoordinatorSession(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = "signoff-coordinator";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/sign-in";

        });

        // A session lasts eight hours of real time. The host's TimeProvider is the round clock,
        // which development moves by weeks at a time; sessions must not follow it.
        services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(Scheme)
            .Configure<SignOff.Storage.WallClock>((cookie, wall) => cookie.TimeProvider = wall.Provider);
        services.AddSingleton<CoordinatorPageFilter>();
    }

    public static void MapCoordinatorSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", (string? returnUrl, HttpContext http, PageRenderer pages) =>
            pages.RenderAsync<SignInPage>(http, new SignInModel(LocalOrRounds(returnUrl), FormErrors.None))).ExcludeFromDescription();
        app.MapPost("/sign-in", SignInAsync).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/sign-out", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (await antiforgery.IsRequestValidAsync(http))
            {
                await http.SignOutAsync(Scheme);
            }

            return Results.Redirect("/sign-in", permanent: false, preserveMethod: false);
        }).ExcludeFromDescription().DisableAntiforgery();
    }

    private static async Task<IResult> SignInAsync(string? returnUrl, HttpContext http, PageRenderer pages, IAntiforgery antiforgery, SignOffOptions options)
    {
        var target = LocalOrRounds(returnUrl);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return await pages.RenderAsync<SignInPage>(http, new SignInModel(target, FormErrors.Of(null, "The form had expired. Enter your API key again.")), StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["apiKey"].ToString().Trim();
        if (key.Length == 0)
        {
            return await pages.RenderAsync<SignInPage>(http, new SignInModel(target, FormErrors.Of("apiKey", "Enter your API key")), StatusCodes.Status422UnprocessableEntity);
        }

        if (!ApiKeyFilter.Matches(options.ApiKeyHashes, key))
        {
            return await pages.RenderAsync<SignInPage>(http, new SignInModel(target, FormErrors.Of("apiKey", "That API key is not recognised. Check it and try again")), StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "Coordinator"), new Claim(ClaimTypes.Role, Role), new Claim(Coordinators.KeyClaim, Coordinators.KeyId(key))], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(target);
    }

    /// <summary>Only a path on this site: an open redirect would let a phishing link borrow our name.</summary>
    public static string LocalOrRounds(string? returnUrl) =>
        returnUrl is { Length: > 1 } url && url[0] == '/' && url[1] is not ('/' or '\\') && !url.Contains("://", StringComparison.Ordinal) ? url : "/rounds";
}

/// <summary>
/// Guards the coordinator's pages: a signed-in session for everything, a valid anti-forgery token
/// for every POST. Someone not signed in is sent to sign in and brought back.
/// </summary>
public sealed class CoordinatorPageFilter(IAntiforgery antiforgery, PageRenderer pages) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var session = await http.AuthenticateAsync(CoordinatorSession.Scheme);
        if (!session.Succeeded || session.Principal?.IsInRole(CoordinatorSession.Role) != true)
        {
            var back = HttpMethods.IsGet(http.Request.Method) ? $"{http.Request.Path}{http.Request.QueryString}" : "/rounds";
            return Results.Redirect($"/sign-in?returnUrl={Uri.EscapeDataString(back)}");
        }

        http.User = session.Principal;
        if (HttpMethods.IsPost(http.Request.Method) && !await antiforgery.IsRequestValidAsync(http))
        {
            return await pages.MessageAsync(http, "Please try again", ["The form had expired, so nothing was changed. Go back, reload the page and try again."], StatusCodes.Status400BadRequest);
        }

        return await next(context);
    }
}
