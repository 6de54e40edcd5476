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
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}
