using Microsoft.OpenApi;

namespace SignOff.Host.Api;

/// <summary>
/// Describes a multipart request body in the OpenAPI document, so a generated client can send it.
/// </summary>
/// <remarks>
/// A transformer, not <c>Accepts&lt;T&gt;</c>: that also adds content-type matching to the route,
/// which would answer a JSON body with a bare 415 instead of the endpoint's own
/// <c>multipart-required</c> problem.
/// </remarks>
public static class MultipartBodies
{
    /// <summary>A part of the body: its name, whether it is a file, whether it is required, and what it is.</summary>
    public sealed record Part(string Name, bool File, bool Required, string Description, string? Format = null);

    /// <summary>Adds the multipart/form-data body to the endpoint's operation.</summary>
    public static TBuilder DescribesMultipart<TBuilder>(this TBuilder builder, params Part[] parts)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            var schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = parts.ToDictionary(p => p.Name, p => (IOpenApiSchema)new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Format = p.File ? "binary" : p.Format,
                    Description = p.Description,
                }),
                Required = parts.Where(p => p.Required).Select(p => p.Name).ToHashSet(StringComparer.Ordinal),
            };
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal) { ["multipart/form-data"] = new OpenApiMediaType { Schema = schema } },
            };
            return Task.CompletedTask;
        });
}
