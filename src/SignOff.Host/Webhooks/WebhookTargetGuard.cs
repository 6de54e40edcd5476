using System.Net;
using System.Net.Sockets;
using SignOff.Core.Webhooks;
using SignOff.Host.Effects;

namespace SignOff.Host.Webhooks;

/// <summary>Why a webhook target was refused.</summary>
public sealed class WebhookTargetRefusedException(string message) : HttpRequestException(message);

/// <summary>
/// Keeps webhook deliveries away from SignOff's own network (SSRF): https only outside
/// Development, no credentials in the URL, and every address the host resolves to must be public.
/// </summary>
/// <remarks>
/// The check runs twice: when a subscription is created (a clear answer for the person setting
/// it up) and inside the connection itself (<see cref="ConnectAsync"/>), on the very addresses
/// the socket is about to use — so a name that resolved to a public address yesterday and to
/// 169.254.169.254 today (DNS rebinding) is still refused. Redirects are never followed and no
/// proxy is used, so neither can carry a request somewhere unchecked.
/// </remarks>
public sealed class WebhookTargetGuard(WebhookOptions options, IHostEnvironment environment)
{
    private readonly bool development = environment.IsDevelopment();

    /// <summary>Null when the URL may be subscribed; otherwise why not.</summary>
    public async Task<string?> WhyRefusedAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return $"'{url}' is not an absolute https:// URL.";
        }

        if (uri.Scheme == "http" && !(development && options.AllowHttp))
        {
            return "Webhook URLs must use https://.";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "Webhook URLs must not carry a user name or password; authenticate the signature instead.";
        }

        if (IsAllowListed(uri.IdnHost))
        {
            return null;
        }

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"'{uri.Host}' does not resolve to any address.";
        }

        return addresses.Length == 0
            ? $"'{uri.Host}' does not resolve to any address."
            : addresses.Select(a => (a, why: AddressPolicy.WhyRefused(a))).FirstOrDefault(x => x.why is not null) is { why: { } reason } refused
                ? $"'{uri.Host}' resolves to {refused.a}, {reason}: webhooks go to public addresses only."
                : null;
    }

    /// <summary>A handler that checks addresses as it connects, follows no redirects and uses no proxy.</summary>
    public SocketsHttpHandler CreateHandler() => PublicConnections.Handler(options.Timeout, IsAllowListed, Refused);

    /// <summary>Resolves, refuses any non-public address (unless allow-listed in Development), and connects to the first that answers.</summary>
    public ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        PublicConnections.ConnectAsync(context, IsAllowListed, Refused, cancellationToken);

    private static WebhookTargetRefusedException Refused(string host, IPAddress address, string why) => new($"'{host}' resolves to {address}, {why}: refused.");

    private bool IsAllowListed(string host) =>
        development && options.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => PublicConnections.ResolveAsync(host, cancellationToken);
}
