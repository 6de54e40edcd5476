using System.Net;
using SignOff.Core.Webhooks;

namespace SignOff.Core.Definitions;

/// <summary>Which calendar feed addresses a round definition may name.</summary>
/// <remarks>
/// A definition is written by whoever launches a round, and SignOff fetches the feed it names every
/// working day: without a check, a definition is a way to make SignOff call into its own network
/// (the storage emulator, the cloud metadata endpoint). What can be known without the network is
/// refused here, at the field, so the coordinator hears it at launch: a scheme other than https, a
/// user name or password in the address, an address literal or a name that is not public. The host
/// checks again on every connection, on the addresses the name resolves to then (DNS can change).
/// </remarks>
/// <param name="AllowHttp">Development only: accept http:// feeds.</param>
/// <param name="AllowedHosts">Development only: hosts that may be local (a test's own feed on loopback).</param>
public sealed record CalendarFeedPolicy(bool AllowHttp, IReadOnlyList<string> AllowedHosts)
{
    /// <summary>Production's policy: https to public hosts only.</summary>
    public static CalendarFeedPolicy Strict { get; } = new(false, []);

    /// <summary>Null when the feed may be named; otherwise why not, in words for the field's error.</summary>
    public string? WhyRefused(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return $"'{url}' is not an absolute https:// address";
        }

        if (uri.Scheme == "http" && !AllowHttp)
        {
            return "a calendar feed must use https://";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "a calendar feed's address must not carry a user name or password";
        }

        var host = uri.IdnHost.Trim('[', ']');
        if (AllowedHosts.Contains(uri.IdnHost, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return AddressPolicy.WhyRefused(address) is { } why ? $"{address} is {why}: calendar feeds are fetched from public addresses only" : null;
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".internal", StringComparison.OrdinalIgnoreCase) || !host.Contains('.', StringComparison.Ordinal)
            ? $"'{uri.Host}' is not a public host name: calendar feeds are fetched from public addresses only"
            : null;
    }
}
