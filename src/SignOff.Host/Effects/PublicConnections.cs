using System.Net;
using System.Net.Sockets;
using SignOff.Core.Webhooks;

namespace SignOff.Host.Effects;

/// <summary>
/// The connections an effect makes to the outside world — a webhook's POST, a published
/// calendar's GET — made to public addresses only, checked as the connection is made.
/// </summary>
/// <remarks>
/// Checking a URL before the request is not enough: a name can resolve to a public address when
/// checked and to 169.254.169.254 when connected (DNS rebinding). So the handler resolves the
/// name itself, refuses it if any address is not public (<see cref="AddressPolicy"/>), and
/// connects to the addresses it checked. No redirects (a 302 to an internal address would skip
/// the check) and no proxy.
/// </remarks>
public static class PublicConnections
{
    /// <summary>What to throw for a refused address: the host, the address and why it is refused.</summary>
    public delegate Exception Refusal(string host, IPAddress address, string why);

    /// <summary>A handler that checks addresses as it connects, follows no redirects and uses no proxy.</summary>
    /// <param name="connectTimeout">How long a connection may take.</param>
    /// <param name="allowListed">Hosts let through whatever they resolve to (development's local test servers only).</param>
    /// <param name="refusal">The exception for a refused address, in the caller's words.</param>
    public static SocketsHttpHandler Handler(TimeSpan connectTimeout, Func<string, bool> allowListed, Refusal refusal) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = connectTimeout,
        ConnectCallback = (context, ct) => ConnectAsync(context, allowListed, refusal, ct),
    };

    /// <summary>Resolves, refuses any non-public address (unless the host is allow-listed), and connects to the first address that answers.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, Func<string, bool> allowListed, Refusal refusal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(allowListed);
        ArgumentNullException.ThrowIfNull(refusal);
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        if (!allowListed(host))
        {
            foreach (var address in addresses)
            {
                if (AddressPolicy.WhyRefused(address) is { } why)
                {
                    throw refusal(host, address, why);
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

    /// <summary>A host's addresses: the literal when it is one, else from DNS.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
}
