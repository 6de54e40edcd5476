using System.Net;
using System.Net.Sockets;

namespace SignOff.Core.Webhooks;

/// <summary>
/// Which addresses a webhook may be delivered to: public unicast only. Loopback, private and
/// shared ranges, link-local (which holds the cloud metadata services), multicast, reserved and
/// documentation ranges are refused, and IPv6 forms that embed an IPv4 address are judged by it.
/// </summary>
/// <remarks>
/// Without this, a subscription is a way to make SignOff call into its own network — the
/// storage emulator, the metadata endpoint that hands out managed-identity tokens. The check runs
/// on every address a name resolves to, at subscription time and again on every connection.
/// </remarks>
public static class AddressPolicy
{
    private static readonly (IPAddress Network, int Bits, string Why)[] Refused =
    [
        (IPAddress.Parse("0.0.0.0"), 8, "'this network'"),
        (IPAddress.Parse("10.0.0.0"), 8, "a private address"),
        (IPAddress.Parse("100.64.0.0"), 10, "a shared (carrier-grade NAT) address"),
        (IPAddress.Parse("127.0.0.0"), 8, "a loopback address"),
        (IPAddress.Parse("169.254.0.0"), 16, "a link-local address (cloud metadata services live here)"),
        (IPAddress.Parse("172.16.0.0"), 12, "a private address"),
        (IPAddress.Parse("192.0.0.0"), 24, "an IETF protocol address"),
        (IPAddress.Parse("192.0.2.0"), 24, "a documentation address"),
        (IPAddress.Parse("192.88.99.0"), 24, "a 6to4 relay address"),
        (IPAddress.Parse("192.168.0.0"), 16, "a private address"),
        (IPAddress.Parse("198.18.0.0"), 15, "a benchmarking address"),
        (IPAddress.Parse("198.51.100.0"), 24, "a documentation address"),
        (IPAddress.Parse("203.0.113.0"), 24, "a documentation address"),
        (IPAddress.Parse("224.0.0.0"), 4, "a multicast address"),
        (IPAddress.Parse("240.0.0.0"), 4, "a reserved address"),
        (IPAddress.Parse("168.63.129.16"), 32, "the Azure platform's internal address"),
        (IPAddress.Parse("::"), 128, "the unspecified address"),
        (IPAddress.Parse("::1"), 128, "a loopback address"),
        (IPAddress.Parse("100::"), 64, "a discard-only address"),
        (IPAddress.Parse("2001:db8::"), 32, "a documentation address"),
        (IPAddress.Parse("2001::"), 32, "a Teredo address"),
        (IPAddress.Parse("2002::"), 16, "a 6to4 address"),
        (IPAddress.Parse("fc00::"), 7, "a unique local (private) address"),
        (IPAddress.Parse("fe80::"), 10, "a link-local address"),
        (IPAddress.Parse("fec0::"), 10, "a site-local address"),
        (IPAddress.Parse("ff00::"), 8, "a multicast address"),
    ];

    /// <summary>Null when the address is public; otherwise why it is refused.</summary>
    public static string? WhyRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return WhyRefused(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } v4)
        {
            return WhyRefused(v4) is { } why ? $"{why}, embedded in an IPv6 address" : null;
        }

        foreach (var (network, bits, why) in Refused)
        {
            if (network.AddressFamily == address.AddressFamily && InNetwork(address, network, bits))
            {
                return why;
            }
        }

        return null;
    }

    /// <summary>An IPv4 address carried inside an IPv6 one: IPv4-compatible (::a.b.c.d) or NAT64 (64:ff9b::/96).</summary>
    private static IPAddress? Embedded(IPAddress v6)
    {
        var b = v6.GetAddressBytes();
        var compatible = b.Take(12).All(x => x == 0) && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1);
        var nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0);
        return compatible || nat64 ? new IPAddress(b[12..16]) : null;
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int bits)
    {
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
