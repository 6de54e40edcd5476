using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace SignOff.Host.Api;

/// <summary>
/// Declares, in the OpenAPI document, the problem responses (RFC 9457, <c>application/problem+json</c>)
/// an endpoint can answer with, so a generated client knows them.
/// </summary>
/// <remarks>
/// The handlers answer problems through <c>ProblemHttpResult</c>, which says nothing of its status
/// to the document: without these the register's operations listed only their 200.
/// </remarks>
public static class ProblemResponses
{
    private static readonly string[] ProblemJson = ["application/problem+json"];

    /// <summary>The endpoint can answer each of these statuses with problem details.</summary>
    public static TBuilder AnswersProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        builder.Add(endpoint => Declare(endpoint, statuses));
        return builder;
    }

    /// <summary>
    /// For a group behind the coordinator's key, by what each endpoint is: every one can answer 401
    /// (no key) and 403 (a token without the coordinator's role); one that names something in its
    /// route, 404; one that changes something, 400 (a body that cannot be read), 409 (refused as the
    /// thing stands) and 422 (a detail missing or wrong).
    /// </summary>
    /// <remarks>A rule by method and route rather than a list per endpoint, so an endpoint added to the group later is described too.</remarks>
    public static TBuilder AnswersCoordinatorProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            var statuses = new List<int> { StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden };
            if (endpoint is RouteEndpointBuilder { RoutePattern.Parameters.Count: > 0 })
            {
                statuses.Add(StatusCodes.Status404NotFound);
            }

            var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods);
            if (methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m)))
            {
                statuses.AddRange([StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity]);
            }

            Declare(endpoint, statuses);
        });
        return builder;
    }

    private static void Declare(EndpointBuilder endpoint, IEnumerable<int> statuses)
    {
        foreach (var status in statuses.Order())
        {
            endpoint.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ProblemJson));
        }
    }
}
