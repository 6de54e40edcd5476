using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignOff.Core.Rounds;

/// <summary>
/// The one JSON shape of snapshots, events and effects, wherever they are stored or sent.
/// </summary>
/// <remarks>
/// Enum values are written as kebab-case names, not numbers, so stored events stay readable and
/// survive reordering an enum. Changing these options changes the stored format: don't, without
/// a migration.
/// </remarks>
public static class RoundJson
{
    /// <summary>How an enum value is named for machines: kebab-case, e.g. <c>approved-with-conditions</c>.</summary>
    public static JsonNamingPolicy EnumNaming { get; } = JsonNamingPolicy.KebabCaseLower;

    /// <summary>Enum values as <see cref="EnumNaming"/> names, not numbers.</summary>
    /// <remarks>
    /// The one converter for every JSON SignOff writes (storage, the API, the command line), so a
    /// status is spelled the same wherever a machine reads it.
    /// </remarks>
    public static JsonStringEnumConverter EnumConverter { get; } = new(EnumNaming);

    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { EnumConverter },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}
