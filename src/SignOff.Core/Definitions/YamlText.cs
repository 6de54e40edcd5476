using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Tokens;
using YamlDotNet.RepresentationModel;

namespace SignOff.Core.Definitions;

/// <summary>Why a YAML or JSON text could not be read, and where the mistake is.</summary>
/// <param name="Line">1-based line of the mistake.</param>
/// <param name="Column">1-based column of the mistake.</param>
/// <param name="Message">What is wrong, for people, e.g. <c>line 11 is indented with a tab; indent with spaces</c>.</param>
internal sealed record YamlSyntaxError(int Line, int Column, string Message);

/// <summary>
/// Loads YAML, or JSON (which YAML reads as its flow syntax), and when the text is malformed says
/// where and why in people's words. Every reader of YAML in the core loads through here, so they
/// all report syntax errors the same way.
/// </summary>
/// <remarks>
/// YamlDotNet's errors are worded for YAML implementers and are not always placed at the mistake:
/// a tab used for indentation comes back at line 1, column 1, and a line that falls out of an
/// unclosed <c>{</c> comes back as an <see cref="InvalidOperationException"/> with no position at
/// all. But its scanner always knows where it stopped, so the scanner is kept at hand to be asked;
/// and the text before the mistake is scanned again to find the bracket still open there or the
/// quoted text that ran on, which is what the person has to fix.
/// </remarks>
internal static class YamlText
{
    /// <summary>Loads the first document of <paramref name="text"/>.</summary>
    /// <param name="text">YAML or JSON.</param>
    /// <param name="root">The first document's root node; null for an empty text.</param>
    /// <param name="error">Where and why the text is malformed.</param>
    /// <returns>False when the text is malformed.</returns>
    public static bool TryLoad(string text, out YamlNode? root, [NotNullWhen(false)] out YamlSyntaxError? error)
    {
        var scanner = new Scanner(new StringReader(text));
        root = null;
        try
        {
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            error = null;
            return true;
        }
        catch (YamlException ex)
        {
            error = Explain(text, ex, scanner.CurrentPosition);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet throws this, without a position, when a line inside '{…}' or '[…]' is indented
            // no further than the block holding the brackets: almost always a bracket left open.
            error = StillOpen(text, scanner.CurrentPosition);
        }

        return false;
    }

    private static YamlSyntaxError Explain(string text, YamlException ex, Mark scannerAt)
    {
        var message = ex.Message;
        switch (message)
        {
            case "While scanning a mapping, found invalid tab as indentation.":
                // Thrown without a position; the scanner stopped on the tab.
                return Tab(scannerAt);
            case "While scanning a plain scalar, found a tab character that violate indentation.":
                return Tab(ex.End);
            case "While scanning a quoted scalar, found unexpected end of stream.":
                return At(ex.Start, "the quote opened here is never closed");
            case "While scanning a multi-line double-quoted scalar, found wrong indentation.":
            case "While scanning a quoted scalar, found unexpected document indicator.":
                return At(ex.Start, string.Create(CultureInfo.InvariantCulture, $"the quote opened here is not closed before line {ex.End.Line}"));
            case "While scanning a plain scalar value, found invalid mapping.":
            case "While scanning a multiline plain scalar, found invalid mapping.":
                return ColonInValue(text, ex.Start);
            case "Did not find expected <document end>.":
            case "While parsing a block mapping, did not find expected key.":
            case "While parsing a block collection, did not find expected '-' indicator.":
                return Misplaced(text, ex.Start, message.StartsWith("Did not", StringComparison.Ordinal));
            case var _ when message.Contains("did not find expected ',' or", StringComparison.Ordinal):
                return InsideBrackets(text, ex.Start);
            case var _ when ex is AnchorNotFoundException:
                return UnknownAlias(text, ex);
            case var _ when message.StartsWith("Duplicate key ", StringComparison.Ordinal):
                return At(ex.Start, $"'{message["Duplicate key ".Length..]}' is given more than once in the same mapping; keep one");
            default:
                return At(ex.Start, message.TrimEnd('.'));
        }
    }

    private static YamlSyntaxError Tab(Mark tab) =>
        At(tab, string.Create(CultureInfo.InvariantCulture, $"line {tab.Line} is indented with a tab; indent with spaces"));

    /// <summary>A line inside brackets is indented no further than the block around them.</summary>
    private static YamlSyntaxError StillOpen(string text, Mark at) =>
        Before(text, at).Open is { } open
            ? At(at, $"the '{open.Symbol}' opened on {Where(open.At)} is still open here: close it before this line, or indent this line further")
            : At(at, "check for unclosed brackets or quotes");

    /// <summary>Inside '{…}' or '[…]', something other than ',' or the closing bracket came next.</summary>
    private static YamlSyntaxError InsideBrackets(string text, Mark at)
    {
        var seen = Before(text, at);
        if (seen.Open is not { } open)
        {
            return At(at, "check for unclosed brackets or quotes");
        }

        var close = open.Symbol == '{' ? '}' : ']';
        if (string.IsNullOrWhiteSpace(text[(int)Math.Min(at.Index, text.Length)..]))
        {
            return At(at, $"the document ends before the '{open.Symbol}' opened on {Where(open.At)} is closed");
        }

        var next = text[(int)at.Index];
        if (next is '}' or ']' && next != close)
        {
            return At(at, $"this '{next}' cannot close the '{open.Symbol}' opened on {Where(open.At)}; close that with '{close}' first");
        }

        // What came before the mistake says what the mistake probably is: in JSON, a quote left open
        // or a comma missing at the end of a line.
        if (seen.Last is Scalar { Style: not ScalarStyle.Plain } quoted && quoted.End.Line > quoted.Start.Line)
        {
            return At(quoted.Start, string.Create(CultureInfo.InvariantCulture, $"the quote opened here runs on to line {quoted.End.Line}; is its closing quote missing?"));
        }

        var lineEnd = seen.Last switch
        {
            Scalar { Style: ScalarStyle.Plain } plain when plain.End.Line > plain.Start.Line => plain.Start.Line,
            { } last when last.End.Line < at.Line => last.End.Line,
            _ => (long?)null,
        };
        if (lineEnd is { } line)
        {
            return At(at, string.Create(CultureInfo.InvariantCulture, $"expected ',' or '{close}' here; is a ',' missing at the end of line {line}?"));
        }

        return At(at, $"expected ',' or '{close}' here, inside the '{open.Symbol}' opened on {Where(open.At)}");
    }

    /// <summary>
    /// A ': ' where only a value can be: a value that needs quotes, or, when the value began on an
    /// earlier line, a line indented too far or a key missing its ':' above.
    /// </summary>
    private static YamlSyntaxError ColonInValue(string text, Mark at)
    {
        if (Before(text, at).Last is not Scalar { Style: ScalarStyle.Plain } value || value.Start.Line == at.Line)
        {
            return At(at, "a value with ': ' in it must be in quotes");
        }

        var valueLine = LineStart(text, value.Start);
        if (string.IsNullOrWhiteSpace(text[valueLine..(int)value.Start.Index]))
        {
            // The value began its own line, where a key would be.
            var key = text[(int)value.Start.Index..text.IndexOf('\n', (int)value.Start.Index)].Trim();
            return At(value.Start, $"'{key}' has no ':' after it");
        }

        var line = LineStart(text, at);
        var content = line;
        while (text[content] == ' ')
        {
            content++;
        }

        return new YamlSyntaxError((int)at.Line, content - line + 1,
            string.Create(CultureInfo.InvariantCulture, $"line {at.Line} is indented further than line {value.Start.Line}, so it reads as more of the value there; line it up with the key it belongs with"));
    }

    /// <summary>An alias whose anchor is not defined before it; YamlDotNet places it at line 1, column 1.</summary>
    private static YamlSyntaxError UnknownAlias(string text, YamlException ex)
    {
        // The message is "The anchor 'name' does not exists".
        var name = ex.Message[(ex.Message.IndexOf('\'', StringComparison.Ordinal) + 1)..ex.Message.LastIndexOf('\'')];
        return Tokens(text).OfType<AnchorAlias>().FirstOrDefault(a => a.Value == name) is { } alias
            ? At(alias.Start, $"there is no '&{name}' before this '*{name}' for it to repeat")
            : At(ex.Start, ex.Message);
    }

    /// <summary>Block structure broken: a closing bracket with nothing open, a line out of line with its neighbours, or a key without its ':'.</summary>
    private static YamlSyntaxError Misplaced(string text, Mark at, bool afterDocument)
    {
        var from = (int)Math.Min(at.Index, text.Length);
        var end = text.IndexOf('\n', from);
        var rest = text[from..(end < 0 ? text.Length : end)].Trim();
        if (rest.StartsWith('}') || rest.StartsWith(']'))
        {
            return At(at, $"this '{rest[0]}' closes nothing: there is no '{(rest[0] == '}' ? '{' : '[')}' open here");
        }

        if (afterDocument)
        {
            return At(at, "nothing may follow the end of the document");
        }

        return rest.Contains(':', StringComparison.Ordinal)
            ? At(at, string.Create(CultureInfo.InvariantCulture, $"line {at.Line} is not lined up with the lines above it; indent it exactly as far as the keys or '-' items it belongs with"))
            : At(at, $"'{rest}' has no ':' after it");
    }

    /// <summary>What the scanner saw before <paramref name="at"/>: the innermost bracket still open there, and the last token.</summary>
    private static Seen Before(string text, Mark at)
    {
        var open = new Stack<Bracket>();
        Token? last = null;
        foreach (var token in Tokens(text[..(int)Math.Min(at.Index, text.Length)]))
        {
            switch (token)
            {
                case FlowMappingStart:
                    open.Push(new Bracket('{', token.Start));
                    break;
                case FlowSequenceStart:
                    open.Push(new Bracket('[', token.Start));
                    break;
                case FlowMappingEnd or FlowSequenceEnd when open.Count > 0:
                    open.Pop();
                    break;
            }

            // The cut-off text's end closes every block still open; those ends are not in the text.
            if (token is not (StreamStart or StreamEnd or BlockEnd))
            {
                last = token;
            }
        }

        return new Seen(open.Count > 0 ? open.Peek() : null, last);
    }

    /// <summary>The tokens of <paramref name="text"/> up to its first mistake.</summary>
    private static IEnumerable<Token> Tokens(string text)
    {
        var scanner = new Scanner(new StringReader(text));

        // The scanner answers some mistakes with an endless run of Error tokens rather than an exception.
        while (Next(scanner) && scanner.Current is { } token and not Error)
        {
            yield return token;
        }
    }

    private static bool Next(Scanner scanner)
    {
        try
        {
            return scanner.MoveNext();
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // The text has a mistake of its own here; what came before it is what there is to go on.
            return false;
        }
    }

    private static int LineStart(string text, Mark at) => at.Index == 0 ? 0 : text.LastIndexOf('\n', (int)at.Index - 1) + 1;

    private static YamlSyntaxError At(Mark at, string message) => new((int)at.Line, (int)at.Column, message);

    private static string Where(Mark at) => string.Create(CultureInfo.InvariantCulture, $"line {at.Line}, column {at.Column}");

    private readonly record struct Bracket(char Symbol, Mark At);

    private sealed record Seen(Bracket? Open, Token? Last);
}
