using Azure.Data.Tables;

namespace SignOff.Storage.Rounds;

/// <summary>
/// Spreads a long string over an entity's properties, and entities, within Azure Tables' limits.
/// </summary>
/// <remarks>
/// A string property holds at most 64 KiB (32K UTF-16 characters) and an entity at most 1 MiB,
/// so a 200-partner snapshot cannot live in one property. Text is cut into 30,000-character
/// pieces (<c>p0</c>, <c>p1</c>, …), at most 15 to an entity (about 900 KB), and further
/// entities follow when needed. Readers join the pieces in order.
/// </remarks>
internal static class ChunkedText
{
    public const int PieceLength = 30_000;
    public const int PiecesPerEntity = 15;
    private const string Pieces = "pieces";

    /// <summary>Cuts text into entity-sized groups of pieces.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Split(string text)
    {
        var pieces = new List<string>();
        for (var i = 0; i < text.Length; i += PieceLength)
        {
            pieces.Add(text.Substring(i, Math.Min(PieceLength, text.Length - i)));
        }

        if (pieces.Count == 0)
        {
            pieces.Add("");
        }

        return [.. pieces.Chunk(PiecesPerEntity).Select(c => (IReadOnlyList<string>)c)];
    }

    /// <summary>Writes one group of pieces into an entity.</summary>
    public static void Write(TableEntity entity, IReadOnlyList<string> pieces)
    {
        entity[Pieces] = pieces.Count;
        for (var i = 0; i < pieces.Count; i++)
        {
            entity[$"p{i}"] = pieces[i];
        }
    }

    /// <summary>Reads the pieces an entity holds, in order.</summary>
    public static string Read(TableEntity entity)
    {
        var count = entity.GetInt32(Pieces) ?? throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey} holds no pieces.");
        return string.Concat(Enumerable.Range(0, count).Select(i => entity.GetString($"p{i}")));
    }

    /// <summary>An approximate stored size in bytes (strings count two bytes a character).</summary>
    public static long SizeOf(TableEntity entity) =>
        entity.Sum(p => p.Key.Length * 2 + p.Value switch { string s => s.Length * 2 + 4, _ => 8 });
}
