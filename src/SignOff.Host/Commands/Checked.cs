using System.Collections.Immutable;

namespace SignOff.Host.Commands;

/// <summary>
/// An input read into what a command needs, or every failure that says why it could not be: the
/// one result of reading a request, for the API and the pages alike.
/// </summary>
/// <remarks>
/// The API answers with the first failure (one problem per response); a page shows each beside its
/// field. A tuple of a nullable value and a nullable failure let a caller take the value without
/// looking at the failure; here the value cannot be had from a failed check.
/// </remarks>
/// <typeparam name="T">What the input is read into.</typeparam>
public sealed class Checked<T>
{
    private readonly T? value;

    internal Checked(T? value, ImmutableList<CommandFailure> failures)
    {
        this.value = value;
        Failures = failures;
    }

    /// <summary>Every reason the input was not accepted, in the order the fields were read; empty when it was.</summary>
    public ImmutableList<CommandFailure> Failures { get; }

    /// <summary>True when the input was read without a failure.</summary>
    public bool IsValid => Failures.IsEmpty;

    /// <summary>What the input was read into; asking for it after a failure is a programming error.</summary>
    public T Value => IsValid ? value! : throw new InvalidOperationException($"The input failed its checks: {Failures[0].Detail}");

    /// <summary>The first failure (what the API answers with), or null when the input is valid.</summary>
    public CommandFailure? FirstFailure => IsValid ? null : Failures[0];

    /// <summary>A single failure, as an invalid input.</summary>
    public static implicit operator Checked<T>(CommandFailure failure) => Checked.Invalid<T>([failure]);
}

/// <summary>Makes <see cref="Checked{T}"/> results.</summary>
public static class Checked
{
    /// <summary>An input read without a failure.</summary>
    public static Checked<T> Valid<T>(T value) => new(value, []);

    /// <summary>An input that failed: at least one failure.</summary>
    public static Checked<T> Invalid<T>(IEnumerable<CommandFailure> failures)
    {
        var list = failures.ToImmutableList();
        return list.IsEmpty ? throw new ArgumentException("An invalid input needs a failure.", nameof(failures)) : new(default, list);
    }
}
