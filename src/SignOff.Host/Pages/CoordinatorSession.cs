using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using SignOff.Core.Rounds;
using SignOff.Host.Pages.Shared;
using SignOff.Host.Access;
using SignOff.Host.Configuration;

namespace SignOff.Host.Pages;

/// <summary>
/// A coordinator's session in the browser: sign in once — with the organisation's account when
/// OpenID Connect is configured (<see cref="OidcOptions"/>), or with an API key — then an
/// encrypted, HTTP-only, SameSite cookie carries the session for eight hours of activity.
/// </summary>
/// <remarks>
/// <para>A key is checked exactly as the API checks it (by SHA-256 hash, in constant time) and is
/// never stored in the cookie: the cookie names the key's person (a named coordinator) and which
/// key (the first characters of its hash), for the audit log.</para>
/// <para>An organisation account is checked by the provider; SignOff redeems the code for an id
/// token, requires the coordinator app role in it, and keeps only the person's name and email in
/// the cookie (no tokens): the pages need to know who, not to call anything on their behalf.</para>
/// </remarks>
public static class CoordinatorSession
{
    public const string Scheme = "SignOff.Coordinator";

    /// <summary>The OpenID Connect handler's scheme: signs in to <see cref="Scheme"/>.</summary>
    public const string OrganisationScheme = "SignOff.Organisation";

    public const string Role = "coordinator";

    public static void AddCoordinatorSession(this IServiceCollection services, OidcOptions oidc, bool development)
    {
        ArgumentNullException.ThrowIfNull(oidc);
        var authentication = services.AddAuthentication().AddCookie(Scheme, cookie =>
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
        services.AddSingleton(oidc);
        services.AddSingleton<CoordinatorPageFilter>();
        if (oidc.Enabled)
        {
            authentication.AddOpenIdConnect(OrganisationScheme, o => ConfigureOrganisation(o, oidc, development));
            services.AddOptions<OpenIdConnectOptions>(OrganisationScheme)
                .Configure<SignOff.Storage.WallClock>((o, wall) => o.TimeProvider = wall.Provider);
        }
    }

    private static void ConfigureOrganisation(OpenIdConnectOptions o, OidcOptions oidc, bool development)
    {
        o.SignInScheme = Scheme;
        o.Authority = oidc.Authority;
        o.ClientId = oidc.ClientId;
        o.ClientSecret = oidc.ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.UsePkce = true;
        // The code comes back on a plain GET: a SameSite=Lax cookie goes with it, and no page of ours must post across sites.
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.CallbackPath = OidcOptions.CallbackPath;
        o.Scope.Add("email");
        o.MapInboundClaims = false;
        o.TokenValidationParameters.NameClaimType = "name";
        o.TokenValidationParameters.RoleClaimType = "roles";
        o.SaveTokens = false;
        o.DisableTelemetry = true;
        // Development may point at a provider on this machine over plain HTTP; anywhere else the metadata must come over HTTPS.
        o.RequireHttpsMetadata = !development;
        foreach (var cookie in new[] { o.CorrelationCookie, o.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        }

        o.Events.OnRedirectToIdentityProvider = context =>
        {
            // The address the app registration knows, whatever a proxy in front made of the request's scheme and host.
            var publicBase = context.HttpContext.RequestServices.GetRequiredService<SignOffOptions>().PublicBaseUrl.TrimEnd('/');
            context.ProtocolMessage.RedirectUri = publicBase + OidcOptions.CallbackPath;
            return Task.CompletedTask;
        };
        o.Events.OnTokenValidated = async context =>
        {
            var token = context.Principal ?? new ClaimsPrincipal();
            var (name, email) = Coordinators.FromToken(token);
            if (!token.FindAll("roles").Any(r => string.Equals(r.Value, oidc.RequiredRole, StringComparison.Ordinal)))
            {
                // Not signed in, so no loop: the page says why, once, and the provider is not asked again until the person chooses to.
                context.HandleResponse();
                var pages = context.HttpContext.RequestServices.GetRequiredService<PageRenderer>();
                var refused = await pages.MessageAsync(context.HttpContext, "Your account cannot use SignOff",
                    [$"You signed in as {name}, but your organisation has not given your account SignOff's coordinator role ({oidc.RequiredRole}).",
                     "Ask whoever looks after SignOff's app registration in your organisation to assign you the role, then sign in again."],
                    StatusCodes.Status403Forbidden, "/sign-in", "Back to sign in");
                await refused.ExecuteAsync(context.HttpContext);
                return;
            }

            List<Claim> claims = [new(ClaimTypes.Name, name), new(ClaimTypes.Role, Role), new(Coordinators.PersonClaim, name)];
            if (email is not null)
            {
                claims.Add(new Claim(Coordinators.EmailClaim, email));
            }

            context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
        };
        o.Events.OnRemoteFailure = async context =>
        {
            // A cancelled sign-in, an expired attempt or a provider's error: say so in a page, not an exception.
            context.HandleResponse();
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CoordinatorSession))
                .LogWarning(context.Failure, "Signing in with an organisation account did not complete");
            var pages = context.HttpContext.RequestServices.GetRequiredService<PageRenderer>();
            var failed = await pages.MessageAsync(context.HttpContext, "Sign in did not finish",
                ["Signing in with your organisation's account did not complete, so you are not signed in. Go back and try again."],
                StatusCodes.Status401Unauthorized, "/sign-in", "Back to sign in");
            await failed.ExecuteAsync(context.HttpContext);
        };
    }

    public static void MapCoordinatorSession(this IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", (string? returnUrl, HttpContext http, PageRenderer pages, SignOffOptions options, OidcOptions oidc) =>
            pages.RenderAsync<SignInPage>(http, SignInPageModel(LocalOrRounds(returnUrl), FormErrors.None, options, oidc))).ExcludeFromDescription();
        app.MapGet("/sign-in/organisation", (string? returnUrl, OidcOptions oidc) => oidc.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOrRounds(returnUrl) }, [OrganisationScheme])
            : Results.Redirect($"/sign-in?returnUrl={Uri.EscapeDataString(LocalOrRounds(returnUrl))}")).ExcludeFromDescription();
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

    private static SignInModel SignInPageModel(string returnUrl, FormErrors errors, SignOffOptions options, OidcOptions oidc) =>
        new(returnUrl, errors, oidc.Enabled, Keys: options.Coordinators.Count > 0 || options.ApiKeyHashes.Count > 0 || !oidc.Enabled);

    private static async Task<IResult> SignInAsync(string? returnUrl, HttpContext http, PageRenderer pages, IAntiforgery antiforgery, SignOffOptions options, OidcOptions oidc)
    {
        var target = LocalOrRounds(returnUrl);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return await pages.RenderAsync<SignInPage>(http, SignInPageModel(target, FormErrors.Of(null, "The form had expired. Enter your API key again."), options, oidc), StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["apiKey"].ToString().Trim();
        if (key.Length == 0)
        {
            return await pages.RenderAsync<SignInPage>(http, SignInPageModel(target, FormErrors.Of("apiKey", "Enter your API key"), options, oidc), StatusCodes.Status422UnprocessableEntity);
        }

        if (ApiKeyFilter.Identify(options, key) is not { } holder)
        {
            return await pages.RenderAsync<SignInPage>(http, SignInPageModel(target, FormErrors.Of("apiKey", "That API key is not recognised. Check it and try again"), options, oidc), StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, holder.Name ?? "Coordinator"), new Claim(ClaimTypes.Role, Role), .. Coordinators.ClaimsOf(holder)], Scheme);
        await http.SignInAsync(Scheme, new ClaimsPrincipal(identity));
        return Results.Redirect(target);
    }

    /// <summary>Only a path on this site: an open redirect would let a phishing link borrow our name.</summary>
    public static string LocalOrRounds(string? returnUrl) =>
        returnUrl is { Length: > 1 } url && url[0] == '/' && url[1] is not ('/' or '\\') && !url.Contains("://", StringComparison.Ordinal) ? url : "/rounds";
}

/// <summary>
/// Guards the coordinator's pages: a signed-in session for everything, a valid anti-forgery token
/// for every POST. Someone not signed in is sent to sign in (to their organisation's provider,
/// when one is configured) and brought back.
/// </summary>
public sealed class CoordinatorPageFilter(IAntiforgery antiforgery, PageRenderer pages, OidcOptions oidc) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var session = await http.AuthenticateAsync(CoordinatorSession.Scheme);
        if (!session.Succeeded || session.Principal?.IsInRole(CoordinatorSession.Role) != true)
        {
            var back = HttpMethods.IsGet(http.Request.Method) ? $"{http.Request.Path}{http.Request.QueryString}" : "/rounds";
            // With an organisation account configured, straight to it (the sign-in page still offers a key).
            return oidc.Enabled
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = back }, [CoordinatorSession.OrganisationScheme])
                : Results.Redirect($"/sign-in?returnUrl={Uri.EscapeDataString(back)}");
        }

        http.User = session.Principal;
        if (HttpMethods.IsPost(http.Request.Method) && !await antiforgery.IsRequestValidAsync(http))
        {
            return await pages.MessageAsync(http, "Please try again", ["The form had expired, so nothing was changed. Go back, reload the page and try again."], StatusCodes.Status400BadRequest);
        }

        return await next(context);
    }
}
