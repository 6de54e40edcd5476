using System.Net;
using System.Net.Sockets;
using SignOff.Core.Webhooks;

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
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = options.Timeout,
        ConnectCallback = ConnectAsync,
    };

    /// <summary>Resolves, refuses any non-public address (unless allow-listed in Development), and connects to the first that answers.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (!IsAllowListed(host))
        {
            foreach (var address in addresses)
            {
                if (AddressPolicy.WhyRefused(address) is { } why)
                {
                    throw new WebhookTargetRefusedException($"'{host}' resolves to {address}, {why}: refused.");
                }
            }
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new HttpRequestException($"Could not connect to '{host}'.", last);
    }

    private bool IsAllowListed(string host) =>
        development && options.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
}
