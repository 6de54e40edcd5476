using Microsoft.Extensions.Options;

namespace SignOff.Host.Configuration;

/// <summary>
/// Checks the coordinators' keys when the host starts: a mistyped hash or a key without a person
/// would otherwise only show when someone fails to sign in, or acts under the wrong name.
/// </summary>
public sealed class SignOffOptionsValidation : IValidateOptions<SignOffOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SignOffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        for (var i = 0; i < options.ApiKeyHashes.Count; i++)
        {
            if (!IsSha256Hex(options.ApiKeyHashes[i]))
            {
                problems.Add($"SignOff:ApiKeyHashes:{i} is not a SHA-256 hash (64 hex digits).");
            }
        }

        for (var i = 0; i < options.Coordinators.Count; i++)
        {
            var person = options.Coordinators[i];
            if (string.IsNullOrWhiteSpace(person.Name))
            {
                problems.Add($"SignOff:Coordinators:{i}:Name is missing: each coordinator's key needs the name the audit log will show.");
            }

            if (!IsSha256Hex(person.KeyHash))
            {
                problems.Add($"SignOff:Coordinators:{i}:KeyHash is not a SHA-256 hash (64 hex digits) of the person's key.");
            }

            if (person.Email is { Length: > 0 } email && (!email.Contains('@', StringComparison.Ordinal) || email.Any(char.IsWhiteSpace)))
            {
                problems.Add($"SignOff:Coordinators:{i}:Email '{email}' is not an email address.");
            }
        }

        var duplicates = options.Coordinators.Select(c => c.KeyHash).Concat(options.ApiKeyHashes)
            .Where(IsSha256Hex)
            .GroupBy(h => h.ToLowerInvariant(), StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => g.Key[..8]);
        problems.AddRange(duplicates.Select(d => $"The key hash starting {d} is configured more than once: each person needs a key of their own."));
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static bool IsSha256Hex(string? hash) => hash is { Length: 64 } && hash.All(char.IsAsciiHexDigit);
}
