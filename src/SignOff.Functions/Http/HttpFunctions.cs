using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SignOff.Functions.Durable;

namespace SignOff.Functions.Http;

/// <summary>
/// The public paths, one function per top-level path, each handing its request to SignOff's web
/// application (<see cref="SignOffWebApp"/>), where the endpoint the local host uses answers it.
/// </summary>
/// <remarks>
/// <para>Why whole paths, not a function per route: the routes, their filters (API key or Entra
/// token, coordinator session, anti-forgery), their problem details and error pages are defined
/// once, in the ASP.NET Core endpoint set both hosts map. A function per route would write each
/// route a second time, in attributes that could drift from the first. A function per top-level
/// path keeps the Functions view useful (requests, failures and scale per area) and exposes
/// only the public paths: <c>/dev/clock</c> and anything else not listed here is unreachable on
/// Azure.</para>
/// <para>Every function binds a Durable client, which the application's round engine uses for
/// the length of the request.</para>
/// </remarks>
public sealed class HttpFunctions(SignOffWebHost web, DurableClients clients)
{
    /// <summary>The methods the application answers on any path; which it accepts where is the route's business (405 otherwise).</summary>
    private const string Get = "get", Head = "head", Post = "post", Delete = "delete";

    [Function("HttpApi")]
    public Task<IActionResult> Api([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Post, Delete, Route = "api/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpRounds")]
    public Task<IActionResult> Rounds([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Post, Route = "rounds/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpAgreements")]
    public Task<IActionResult> Agreements([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Post, Route = "agreements/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpRespond")]
    public Task<IActionResult> Respond([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Post, Route = "respond/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpChair")]
    public Task<IActionResult> Chair([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "chair/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpDigest")]
    public Task<IActionResult> Digest([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "digest")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpSignIn")]
    public Task<IActionResult> SignIn([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Post, Route = "sign-in/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpSignOut")]
    public Task<IActionResult> SignOut([HttpTrigger(AuthorizationLevel.Anonymous, Post, Route = "sign-out")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpAssets")]
    public Task<IActionResult> Assets([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "assets/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpDocs")]
    public Task<IActionResult> Docs([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "docs/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpOpenApi")]
    public Task<IActionResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "openapi/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    [Function("HttpHealth")]
    public Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, Get, Head, Route = "health/{*path}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        ServeAsync(request, client);

    /// <remarks>
    /// The application writes the answer on the function's own response; the empty result only
    /// gives the function its HTTP output binding (and writes nothing over the answer).
    /// </remarks>
    private async Task<IActionResult> ServeAsync(HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var app = await web.ReadyAsync();
        using (clients.Use(client))
        {
            await app.ServeAsync(request.HttpContext);
        }

        return new EmptyResult();
    }
}
