using System.Globalization;
using System.Text;

namespace SignOff.Core.Rounds;

/// <summary>Readable, stable partner ids: a slug of the organisation's name, made unique in the round.</summary>
/// <remarks>Ids appear in URLs, audit logs and webhooks; a slug is easier for people to follow than a GUID,
/// and it is derived only from the name and the ids already taken, so deciding twice gives the same id.</remarks>
public static class PartnerIds
{
    /// <summary>Allocates an id for a name, avoiding every id already taken.</summary>
    public static string Allocate(string name, IEnumerable<string> taken)
    {
        var used = taken.ToHashSet(StringComparer.Ordinal);
        var slug = Slug(name);
        if (!used.Contains(slug))
        {
            return slug;
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{slug}-{n.ToString(CultureInfo.InvariantCulture)}";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>Lower-case ASCII letters and digits joined by single hyphens, at most 48 characters.</summary>
    public static string Slug(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder();
        var hyphen = false;
        foreach (var c in decomposed)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                hyphen = false;
            }
            else if (c == '&')
            {
                if (builder.Length > 0 && !hyphen)
                {
                    builder.Append('-');
                }

                builder.Append("and-");
                hyphen = true;
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && builder.Length > 0 && !hyphen)
            {
                builder.Append('-');
                hyphen = true;
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length > 48)
        {
            slug = slug[..48].TrimEnd('-');
        }

        return slug.Length == 0 ? "partner" : slug;
    }
}
