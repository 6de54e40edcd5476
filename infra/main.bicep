// SignOff on Azure: an Azure Functions isolated app (SignOff.Functions, .NET 10) on Flex
// Consumption (Linux), its workflow on Durable Functions over Azure Storage. HTTP functions
// serve the API, pages and links; the round entity, its orchestrations and activities run on the
// Durable extension's task hub in the same storage account; a timer sweeps as a safety net. The
// app reaches Storage, Key Vault and Application Insights with one user-assigned managed identity
// and no keys.
//
// Deploy into an existing resource group (see infra/README.md):
//   az deployment group create -g <rg> -f infra/main.bicep -p @infra/main.parameters.json
//
// Resource shapes follow Microsoft's Flex Consumption samples (Azure-Samples/functions-quickstart-dotnet-azd
// infra/app/api.bicep and Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep); see
// infra/README.md for the full list of sources.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

@description('Azure region for every resource. It must offer Flex Consumption: `az functionapp list-flexconsumption-locations`.')
param location string = resourceGroup().location

@description('Short name that starts every resource name, e.g. "signoff": lower-case letters, digits and hyphens.')
@minLength(2)
@maxLength(12)
param namePrefix string = 'signoff'

@description('Environment name that follows the prefix in resource names, e.g. "prod", "test": lower-case letters, digits and hyphens.')
@minLength(1)
@maxLength(10)
param environmentName string

@description('Address SignOff sends mail from; it must be a verified sender (or domain) in SendGrid.')
@minLength(3)
param mailFromAddress string

@description('Display name SignOff sends mail as.')
param mailFromName string = 'SignOff'

@description('Ask SendGrid to validate but not deliver mail (for a staging environment).')
param mailSandboxMode bool = false

@description('Optional: SHA-256 (lower-case hex, 64 characters) of a coordinator API key. Only the hash is stored; leave empty to use Entra ID only, or to add keys later.')
@maxLength(64)
param coordinatorApiKeyHash string = ''

@description('Optional: coordinators\' own API keys, one per person, so the audit log names them: [{ name, email (optional), keyHash (SHA-256, 64 hex characters) }]. Only the hashes are stored.')
param coordinators array = []

@description('Optional: Entra ID authority for coordinator API bearer tokens, e.g. https://login.microsoftonline.com/<tenant-id>/v2.0. Empty leaves bearer tokens off.')
param entraAuthority string = ''

@description('Optional: the audience (application ID URI or client id) those tokens must carry.')
param entraAudience string = ''

@description('Optional: the client id of the app registration coordinators sign in to the pages with (Entra ID, at entraAuthority). Empty leaves the pages on API keys. Its client secret goes in Key Vault as entra-client-secret.')
param entraPagesClientId string = ''

@description('Optional: public base URL that officers\' links point at (e.g. a custom domain). Empty uses https://<function app name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Highest number of instances the Flex Consumption app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Replication of the storage account that holds every round, document and queue.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Turn off key-based (instrumentation key) ingestion in Application Insights, so only Entra-authenticated telemetry is accepted. See infra/README.md: the app\'s own exporter must then authenticate too.')
param appInsightsDisableLocalAuth bool = true

@description('Days Log Analytics keeps telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Optional: object id of the operator (user, group or service principal) who sets the Key Vault secrets; it is given Key Vault Secrets Officer on the vault. Empty assigns nothing (grant it yourself, see infra/README.md).')
param keyVaultOperatorPrincipalId string = ''

@description('Kind of principal keyVaultOperatorPrincipalId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param keyVaultOperatorPrincipalType string = 'User'

@description('Tags added to every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

// Deterministic: the same resource group, prefix and environment always give the same names,
// so re-running the deployment updates rather than duplicates.
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, namePrefix, environmentName))
var baseName = toLower('${namePrefix}-${environmentName}')
// Storage account and Key Vault names allow no (or few) hyphens and at most 24 characters.
var compactName = toLower(replace(replace('${namePrefix}${environmentName}', '-', ''), '_', ''))

var identityName = 'id-${baseName}'
var storageAccountName = 'st${take(compactName, 9)}${take(resourceToken, 13)}'
var logAnalyticsName = 'log-${baseName}'
var appInsightsName = 'appi-${baseName}'
var keyVaultName = 'kv-${take(compactName, 8)}-${take(resourceToken, 10)}'
var planName = 'plan-${baseName}'
var functionAppName = 'func-${baseName}-${take(resourceToken, 6)}'

// The Flex Consumption deployment package container.
var deploymentContainerName = 'app-package'

// What SignOff creates at start-up (StorageClients.EnsureCreatedAsync). Created here too, so a
// fresh environment is complete before the first start. The Durable task hub `signoff` (host.json:
// its control and work-item queues, instance and history tables, lease and large-message blobs)
// is created by the Durable extension itself, through AzureWebJobsStorage, under the identity's
// data roles below.
var documentsContainerName = 'documents'
var tableNames = [
  'rounds'
  'settings'
  'links'
  'webhooks'
  'counterparts'
  'feed'
]

var allTags = union(tags, {
  application: 'signoff'
  environment: environmentName
})

// Built-in role definition ids (Microsoft Learn "Azure built-in roles"; the same in every cloud).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

// One user-assigned identity for everything the app and the Functions host do: host storage,
// the deployment package, SignOff's own tables and blobs and the task hub, Key Vault
// references and telemetry. User-assigned (not system-assigned) so the roles exist before the
// app does and survive re-creating it.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: identityName
  location: location
  tags: allTags
}

// ---------------------------------------------------------------------------------------------
// Storage: Functions host storage, the deployment package, and SignOff's state
// ---------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' = {
  name: storageAccountName
  location: location
  tags: allTags
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    accessTier: 'Hot'
    // Identity only: no account keys, no SAS signed with them, no anonymous blobs.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    // Flex Consumption without a virtual network reaches storage over its public endpoint.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2025-01-01' = {
  parent: storage
  name: 'default'
  properties: {
    // Drafts and counterparts are content-addressed and never overwritten; soft delete is a
    // safety net against an operator's mistake, not part of the app's logic.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource documentsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-01-01' = {
  parent: blobService
  name: documentsContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2025-01-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

// ---------------------------------------------------------------------------------------------
// Monitoring: Log Analytics + workspace-based Application Insights
// ---------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: allTags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: allTags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
    // Entra-authenticated ingestion only (Monitoring Metrics Publisher, below).
    DisableLocalAuth: appInsightsDisableLocalAuth
  }
}

// ---------------------------------------------------------------------------------------------
// Key Vault: the SendGrid API key and the webhook signing key (set by the operator, not here)
// ---------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: keyVaultName
  location: location
  tags: allTags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC, not access policies: access is granted by the role assignments below.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Once on, purge protection cannot be turned off: a deleted vault (and its secrets) can
    // only be recovered, never purged, until the retention period ends.
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // The Functions platform resolves Key Vault references over the public endpoint when the
    // app has no virtual network integration.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Version-less secret URIs: the platform picks up a new secret version within a day, or at
// once when the app restarts (see infra/README.md).
var sendGridSecretUri = '${keyVault.properties.vaultUri}secrets/sendgrid-api-key/'
var webhookSecretUri = '${keyVault.properties.vaultUri}secrets/webhook-secret-key/'
// A Key Vault certificate's secret of the same name holds its PFX (base64): the counterpart seal.
var sealCertificateUri = '${keyVault.properties.vaultUri}secrets/seal-certificate/'
// The pages' Entra ID app registration's client secret (only read when entraPagesClientId is given).
var entraClientSecretUri = '${keyVault.properties.vaultUri}secrets/entra-client-secret/'

// ---------------------------------------------------------------------------------------------
// Role assignments for the identity (least privilege; each says why)
// ---------------------------------------------------------------------------------------------

// Storage Blob Data Owner on the account. Needed by:
//  - the Functions host (AzureWebJobsStorage): it creates its own containers
//    (azure-webjobs-hosts, azure-webjobs-secrets) and keeps blobs and blob leases there for
//    timer-trigger schedules and singleton locks and for the host keys. Microsoft's Functions
//    documentation ("Connecting to host storage with an identity") names Storage Blob Data Owner
//    as the role that covers the host's needs. Comparing the role definitions, Owner adds full
//    container permissions and every blob data action (tags, POSIX ACLs, ownership, version and
//    permanent deletes) to Contributor's read/write/delete/add/move; we have not verified that
//    Contributor alone satisfies the host, so we use the documented role rather than guess.
//  - the Flex Consumption platform, which writes the deployment package to `app-package` with
//    this identity (functionAppConfig.deployment.storage.authentication);
//  - SignOff itself, for the `documents` container (drafts, counterparts, completion packs),
//    which it creates if missing.
// Scoped to the account (not one container) because the host creates containers at run time.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SignOff: Functions host storage, Flex deployment package, documents container'
  }
}

// Storage Queue Data Contributor on the account. The Durable task hub's control and work-item
// queues are created, read, written and deleted by the Durable extension in the Functions host.
// Message Processor + Sender would not let it create its queues, so Contributor it is.
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SignOff: the Durable task hub\'s queues'
  }
}

// Storage Table Data Contributor on the account. The Durable task hub keeps its instances and
// history in tables; SignOff keeps its read side (snapshots, audit log), effect ledger, links,
// webhooks and settings in tables, writes them in entity-group transactions and creates them if
// missing. The Functions host also uses tables for its diagnostic events when it can.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SignOff: the Durable task hub\'s instances and history; read side, ledger, links, webhooks, settings'
  }
}

// Key Vault Secrets User on the vault: read secret values, nothing else. The platform resolves
// the @Microsoft.KeyVault(...) app settings with this identity (keyVaultReferenceIdentity).
// Scoped to the vault because the secrets are created later by the operator; the vault holds
// only SignOff's secrets.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SignOff: resolve Key Vault references (SendGrid key, webhook signing key)'
  }
}

// Monitoring Metrics Publisher on the Application Insights component: required to send any
// telemetry (not only metrics) with Entra authentication, which is the only kind accepted when
// local auth is disabled. Used by the Functions host (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
// and by the app's OpenTelemetry exporter.
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'SignOff: Entra-authenticated telemetry ingestion'
  }
}

// Optional: Key Vault Secrets Officer for the operator who sets the two secrets. With RBAC
// authorisation, being Owner of the resource group does not let anyone read or write secrets.
resource operatorSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(keyVaultOperatorPrincipalId)) {
  name: guid(keyVault.id, keyVaultOperatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: keyVaultOperatorPrincipalId
    principalType: keyVaultOperatorPrincipalType
    description: 'SignOff: operator sets sendgrid-api-key, webhook-secret-key and entra-client-secret'
  }
}

// ---------------------------------------------------------------------------------------------
// Flex Consumption plan and function app
// ---------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: allTags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true // Linux
  }
}

var effectivePublicBaseUrl = empty(publicBaseUrl) ? 'https://${functionAppName}.azurewebsites.net' : publicBaseUrl

// Settings every environment has. Double underscore = configuration section separator.
// Flex Consumption takes its runtime from functionAppConfig, so FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE must not be set.
var baseAppSettings = [
  // Functions host storage, identity-based.
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }

  // DefaultAzureCredential picks the user-assigned identity by this client id.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }

  // SignOff's own storage: https://{account}.table/blob/queue.core.windows.net with the identity.
  { name: 'Storage__AccountName', value: storage.name }
  { name: 'Storage__Prefix', value: '' }

  // Telemetry: the host authenticates with the identity; the app exports OpenTelemetry.
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }

  // Mail by SendGrid; the API key comes from Key Vault.
  { name: 'Mail__Transport', value: 'sendgrid' }
  { name: 'Mail__FromAddress', value: mailFromAddress }
  { name: 'Mail__FromName', value: mailFromName }
  { name: 'Mail__SendGrid__ApiKey', value: '@Microsoft.KeyVault(SecretUri=${sendGridSecretUri})' }
  { name: 'Mail__SendGrid__SandboxMode', value: string(mailSandboxMode) }

  // 32 random bytes (base64) that seal webhook subscription secrets at rest.
  { name: 'Webhooks__SecretKey', value: '@Microsoft.KeyVault(SecretUri=${webhookSecretUri})' }

  // The certificate that seals counterparts executed in SignOff (a Key Vault certificate, PFX).
  { name: 'SignOff__SealCertificate', value: '@Microsoft.KeyVault(SecretUri=${sealCertificateUri})' }

  { name: 'SignOff__PublicBaseUrl', value: effectivePublicBaseUrl }
]

// Optional: a coordinator API key, by its SHA-256 only.
var apiKeySettings = empty(coordinatorApiKeyHash)
  ? []
  : [
      { name: 'SignOff__ApiKeyHashes__0', value: toLower(coordinatorApiKeyHash) }
    ]

// Optional: coordinators' own keys, by name and SHA-256 only.
var coordinatorSettings = flatten(map(range(0, length(coordinators)), i => [
  { name: 'SignOff__Coordinators__${i}__Name', value: coordinators[i].name }
  { name: 'SignOff__Coordinators__${i}__Email', value: coordinators[i].?email ?? '' }
  { name: 'SignOff__Coordinators__${i}__KeyHash', value: toLower(coordinators[i].keyHash) }
]))

// Optional: coordinators sign in to the pages with their Entra ID account (code flow with PKCE).
var oidcSettings = empty(entraAuthority) || empty(entraPagesClientId)
  ? []
  : [
      { name: 'Auth__Oidc__Authority', value: entraAuthority }
      { name: 'Auth__Oidc__ClientId', value: entraPagesClientId }
      { name: 'Auth__Oidc__ClientSecret', value: '@Microsoft.KeyVault(SecretUri=${entraClientSecretUri})' }
    ]

// Optional: Entra ID bearer tokens for the coordinator API.
var jwtSettings = empty(entraAuthority)
  ? []
  : [
      { name: 'Auth__Jwt__Authority', value: entraAuthority }
      { name: 'Auth__Jwt__Audience', value: entraAudience }
    ]

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: functionAppName
  location: location
  tags: allTags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    // Key Vault references resolve with the user-assigned identity, not a system-assigned one.
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat(baseAppSettings, apiKeySettings, coordinatorSettings, oidcSettings, jwtSettings)
    }
  }
  // Start with the roles in place, so the host's first attempts to reach storage, Key Vault
  // and Application Insights are not refused (role assignments can still take minutes to apply).
  dependsOn: [
    blobDataOwner
    queueDataContributor
    tableDataContributor
    keyVaultSecretsUser
    metricsPublisher
    deploymentContainer
  ]
}

// No basic-auth (publishing profile) access to FTP or the SCM/Kudu site: deployments use
// Entra ID (az functionapp deployment source config-zip signs in with your Azure CLI account).
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

output functionAppName string = functionApp.name
output defaultHostname string = functionApp.properties.defaultHostName
output publicBaseUrl string = effectivePublicBaseUrl
output storageAccountName string = storage.name
output keyVaultName string = keyVault.name
output keyVaultUri string = keyVault.properties.vaultUri
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId
output appInsightsName string = appInsights.name
