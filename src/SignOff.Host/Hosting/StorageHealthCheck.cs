using Microsoft.Extensions.Diagnostics.HealthChecks;
using SignOff.Storage;

namespace SignOff.Host.Hosting;

/// <summary>Ready only when the rounds table answers: without storage SignOff can record nothing.</summary>
public sealed class StorageHealthCheck(StorageClients storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in storage.Rounds.QueryAsync<Azure.Data.Tables.TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken))
            {
                break;
            }

            return HealthCheckResult.Healthy("Table storage answers.");
        }
        catch (Azure.RequestFailedException ex)
        {
            return HealthCheckResult.Unhealthy($"Table storage failed: {ex.Status} {ex.ErrorCode}", ex);
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("Table storage is unreachable.", ex);
        }
    }
}
