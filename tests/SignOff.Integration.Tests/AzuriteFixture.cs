using System.Security.Cryptography;
using SignOff.Storage;

[assembly: AssemblyFixture(typeof(SignOff.Integration.Tests.AzuriteFixture))]

namespace SignOff.Integration.Tests;

/// <summary>
/// Real Azurite, started by <c>./signoff test</c>, which passes its connection string in
/// <c>SIGNOFF_TEST_STORAGE</c>. Each run gets its own table prefix, so runs never see each
/// other's rows.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public StorageClients Clients { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connection = Environment.GetEnvironmentVariable("SIGNOFF_TEST_STORAGE");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException("SIGNOFF_TEST_STORAGE is not set: run the integration tests with ./signoff test, which starts Azurite.");
        }

        var prefix = "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        Clients = new StorageOptions { ConnectionString = connection, Prefix = prefix }.CreateClients();
        await Clients.EnsureCreatedAsync();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
