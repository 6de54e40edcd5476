using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using SignOff.Core.Rounds;
using SignOff.Host.Mail.Templates;

namespace SignOff.Host.Mail;

/// <summary>A rendered email: subject, HTML part and plain-text part.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>
/// Renders emails: the HTML part with a Razor component through the framework's
/// <see cref="HtmlRenderer"/> (the same encoding-by-default technology as the pages), the text
/// part from the same <see cref="EmailContent"/>.
/// </summary>
public sealed class EmailRenderer(IServiceProvider services, ILoggerFactory loggers)
{
    public async Task<RenderedEmail> RenderAsync(Notification notification, Recipient to, string? link, RoundDigest? digest = null, IReadOnlyList<string>? attached = null)
    {
        var content = EmailContentBuilder.Build(notification, to, link, digest);
        if (attached is { Count: > 0 })
        {
            content = content with { Footnotes = [$"Attached: {string.Join(", ", attached)}.", .. content.Footnotes] };
        }

        return await RenderAsync(content);
    }

    /// <summary>Renders an email that is not a round notification (a webhook subscription disabled, say).</summary>
    public async Task<RenderedEmail> RenderAsync(EmailContent content)
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<EmailHtml>(ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(EmailHtml.Content)] = content }));
            return output.ToHtmlString();
        });
        return new RenderedEmail(content.Subject, html, Text(content));
    }

    /// <summary>The plain-text part: the same words, laid out for a terminal or a screen reader.</summary>
    /// <remarks>
    /// The heading comes first, with no underline: an inbox previews the text part's first line,
    /// which should be the point of the email, not "Dear Jo," or a row of "=".
    /// </remarks>
    public static string Text(EmailContent content)
    {
        var text = new StringBuilder();
        text.AppendLine(content.Heading).AppendLine();
        text.AppendLine(content.Greeting).AppendLine();
        if (content.Progress is { } progress)
        {
            var filled = (int)Math.Round(progress * 20);
            text.Append('[').Append(new string('#', filled)).Append(new string('.', 20 - filled)).Append("] ")
                .AppendLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Round(progress * 100):0}% signed")).AppendLine();
        }

        foreach (var paragraph in content.Paragraphs)
        {
            text.AppendLine(paragraph).AppendLine();
        }

        foreach (var fact in content.Facts)
        {
            text.Append(fact.Label).Append(": ").AppendLine(fact.Value);
        }

        text.AppendLine();
        if (content.Action is { } action)
        {
            text.Append(action.Label).AppendLine(":").AppendLine(action.Url).AppendLine();
        }

        foreach (var note in content.Footnotes)
        {
            text.AppendLine(note);
        }

        return text.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
