using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace SignOff.Storage;

/// <summary>
/// Where SignOff keeps its state: a connection string (Azurite locally, or a key-based account)
/// or an account name reached with <see cref="DefaultAzureCredential"/> (managed identity on Azure).
/// </summary>
public sealed record StorageOptions
{
    /// <summary>A storage connection string; wins over <see cref="AccountName"/> when both are set.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The storage account name, for identity-based access.</summary>
    public string? AccountName { get; init; }

    /// <summary>Prefix for table, queue and container names, so several environments (or test runs) can share an account.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Builds the table and blob service clients (the task hub's queues are the Durable Task Framework's own).</summary>
    /// <exception cref="InvalidOperationException">Neither a connection string nor an account name is configured.</exception>
    public StorageClients CreateClients(TokenCredential? credential = null)
    {
        var tableOptions = Counted(new TableClientOptions(), "table");
        var blobOptions = Counted(new BlobClientOptions(), "blob");
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new StorageClients(
                new TableServiceClient(ConnectionString, tableOptions),
                new BlobServiceClient(ConnectionString, blobOptions),
                Prefix);
        }

        if (!string.IsNullOrWhiteSpace(AccountName))
        {
            credential ??= new DefaultAzureCredential();
            return new StorageClients(
                new TableServiceClient(new Uri($"https://{AccountName}.table.core.windows.net"), credential, tableOptions),
                new BlobServiceClient(new Uri($"https://{AccountName}.blob.core.windows.net"), credential, blobOptions),
                Prefix);
        }

        throw new InvalidOperationException(
            "Storage is not configured: set Storage:ConnectionString (e.g. Azurite's) or Storage:AccountName (for managed identity).");
    }

    /// <summary>Every request (each retry too: each is billed) is counted by <see cref="StorageRequestCounter"/>.</summary>
    private static T Counted<T>(T options, string service)
        where T : ClientOptions
    {
        options.AddPolicy(new StorageRequestCounter(service), HttpPipelinePosition.PerRetry);
        return options;
    }
}

/// <summary>The Azure Storage clients SignOff uses, with its naming applied.</summary>
public sealed record StorageClients(TableServiceClient Tables, BlobServiceClient Blobs, string Prefix)
{
    /// <summary>The table of rounds: one partition per round.</summary>
    public TableClient Rounds => Tables.GetTableClient(Prefix + "rounds");

    /// <summary>The agreement register: one partition per agreement (see <see cref="Agreements.AgreementReadModel"/>).</summary>
    public TableClient Agreements => Tables.GetTableClient(Prefix + "agreements");

    /// <summary>Small settings kept between restarts: the development clock's offset.</summary>
    public TableClient Settings => Tables.GetTableClient(Prefix + "settings");

    /// <summary>Officers' response links, by token hash.</summary>
    public TableClient Links => Tables.GetTableClient(Prefix + "links");

    /// <summary>Webhook subscriptions, deliveries and their attempt log.</summary>
    public TableClient Webhooks => Tables.GetTableClient(Prefix + "webhooks");

    /// <summary>Every counterpart file offered, by SHA-256, and the partner it belongs to.</summary>
    public TableClient Counterparts => Tables.GetTableClient(Prefix + "counterparts");

    /// <summary>The event feed: every round's events in one order (see <see cref="Feed.EventFeed"/>).</summary>
    public TableClient Feed => Tables.GetTableClient(Prefix + "feed");

    /// <summary>The host's data-protection key ring (session cookies, anti-forgery tokens), shared by every instance.</summary>
    public BlobContainerClient DataProtectionKeys => Blobs.GetBlobContainerClient(Prefix + "dataprotection");

    /// <summary>Drafts and counterparts.</summary>
    public BlobContainerClient Documents => Blobs.GetBlobContainerClient(Prefix + "documents");

    /// <summary>Creates every table, queue and container that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await Rounds.CreateIfNotExistsAsync(cancellationToken);
        await Agreements.CreateIfNotExistsAsync(cancellationToken);
        await Settings.CreateIfNotExistsAsync(cancellationToken);
        await Links.CreateIfNotExistsAsync(cancellationToken);
        await Webhooks.CreateIfNotExistsAsync(cancellationToken);
        await Counterparts.CreateIfNotExistsAsync(cancellationToken);
        await Feed.CreateIfNotExistsAsync(cancellationToken);
        await Documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}
