using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SignOff.Storage;

namespace SignOff.Host.Hosting;

/// <summary>
/// OpenTelemetry for the host: SignOff's own spans and metrics (<see cref="Telemetry"/>), ASP.NET
/// Core and outgoing HTTP, exported to Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set and to an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is; with neither, nothing leaves the process.
/// </summary>
/// <remarks>
/// Application Insights is reached with the app's managed identity (<see cref="DefaultAzureCredential"/>,
/// which reads <c>AZURE_CLIENT_ID</c>), because the Bicep turns its local (key) authentication off.
/// </remarks>
public static class TelemetrySetup
{
    public static void AddSignOffTelemetry(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var appInsights = config["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var otlp = config["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var credential = string.IsNullOrWhiteSpace(appInsights) ? null : new DefaultAzureCredential();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("signoff", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (credential is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(o => (o.ConnectionString, o.Credential) = (appInsights, credential));
                }

                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    tracing.AddOtlpExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (credential is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(o => (o.ConnectionString, o.Credential) = (appInsights, credential));
                }

                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (credential is not null || !string.IsNullOrWhiteSpace(otlp))
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
                if (credential is not null)
                {
                    logging.AddAzureMonitorLogExporter(o => (o.ConnectionString, o.Credential) = (appInsights, credential));
                }

                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    logging.AddOtlpExporter();
                }
            });
        }
    }
}
