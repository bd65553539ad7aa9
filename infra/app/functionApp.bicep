// The function app on a Flex Consumption plan (FC1), Node.js 22, running as the user-assigned identity, with every
// app setting it needs. Modelled on the app module of Microsoft's Flex Consumption azd template
// (Azure-Samples/functions-quickstart-typescript-azd, infra/app/api.bicep), written as plain resources. On Flex
// Consumption the runtime and the deployment package live in functionAppConfig; the app settings that used to carry
// them (FUNCTIONS_WORKER_RUNTIME, WEBSITE_RUN_FROM_PACKAGE, ...) are deprecated and must not be set ("Flex Consumption
// plan deprecations", https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).

@description('Name of the function app.')
param name string

@description('Name of its Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string

@description('Tags for the plan and the app.')
param tags object = {}

@description('Resource id of the user-assigned managed identity the app runs as.')
param identityId string

@description('Client id of that identity: the Functions host, Application Insights and the app sign in with it.')
param identityClientId string

@description('Name of the Application Insights component the app reports to.')
param appInsightsName string

@description('Blob endpoint of the storage account (https://<account>.blob.core.windows.net/).')
param blobServiceUri string

@description('Table endpoint of the storage account: the Functions host and the app\'s own tables.')
param tableServiceUri string

@description('URL of the blob container Flex Consumption deploys the package from.')
param deploymentContainerUrl string

@description('M2M_TENANT_ID: directory (tenant) id of the app registration.')
param tenantId string

@description('M2M_CLIENT_ID: application (client) id of the app registration.')
param clientId string

@description('M2M_SCOPE: default scope, <resource>/.default.')
param scope string

@description('M2M_KEYVAULT_URL: the vault holding the app\'s certificate.')
param keyVaultUrl string

@description('M2M_KEYVAULT_CERTIFICATE_NAME: the certificate\'s name in that vault.')
param certificateName string

@description('M2M_KEYVAULT_SIGNING: where the certificate\'s key signs (the role assignments follow it).')
@allowed([
  'auto'
  'vault'
  'local'
])
param keyVaultSigning string

@description('M2M_RUN_DEADLINE_SECONDS: at least 30 s below host.json\'s functionTimeout (10 minutes).')
@minValue(5)
@maxValue(570)
param runDeadlineSeconds int

@description('M2M_JOBS: the jobs as a JSON array, or empty.')
param jobs string = ''

@description('M2M_JOBS_FILE: a jobs file shipped in the package, relative to the app root, or empty.')
param jobsFile string = ''

@description('M2M_CERT_CRITICAL_DAYS: days before expiry when a certificate turns critical.')
@minValue(1)
@maxValue(30)
param certificateCriticalDays int

@description('M2M_ALERT_AFTER_FAILURES: failed runs in a row before a job alerts.')
@minValue(1)
@maxValue(1000)
param alertAfterFailures int

@description('M2M_ALERT_TEAMS_WEBHOOK_URL, or empty.')
@secure()
param alertTeamsWebhookUrl string = ''

@description('M2M_ALERT_SLACK_WEBHOOK_URL, or empty.')
@secure()
param alertSlackWebhookUrl string = ''

@description('M2M_ALERT_WEBHOOK_URL, or empty.')
@secure()
param alertWebhookUrl string = ''

@description('M2M_ALERT_WEBHOOK_SECRET, or empty.')
@secure()
param alertWebhookSecret string = ''

@description('Most instances the app scales out to. Its timers and events need few; fewer also means fewer overlapping runs.')
param maximumInstanceCount int = 40

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the app to deploy service `api` (azure.yaml) to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// The whole set of app settings: a deployment replaces settings changed in the portal, so change them here (or
// through the parameters) instead.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // The Functions host's storage, identity-based ("Connecting to host storage with an identity",
    // https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
    // The app's own tables use the same connection (src/config/readStorage.ts reads __tableServiceUri and __clientId).
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: blobServiceUri
    AzureWebJobsStorage__tableServiceUri: tableServiceUri
    // Local authentication is off on the component: telemetry is sent with the identity's Entra token.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
    M2M_TENANT_ID: tenantId
    M2M_CLIENT_ID: clientId
    M2M_SCOPE: scope
    M2M_CREDENTIAL_SOURCE: 'keyvault-certificate'
    M2M_KEYVAULT_URL: keyVaultUrl
    M2M_KEYVAULT_CERTIFICATE_NAME: certificateName
    M2M_KEYVAULT_SIGNING: keyVaultSigning
    M2M_KEYVAULT_AUTH: 'managed-identity'
    M2M_MANAGED_IDENTITY_CLIENT_ID: identityClientId
    M2M_RUN_DEADLINE_SECONDS: string(runDeadlineSeconds)
    M2M_JOBS: jobs
    M2M_JOBS_FILE: jobsFile
    M2M_CERT_CRITICAL_DAYS: string(certificateCriticalDays)
    M2M_ALERT_AFTER_FAILURES: string(alertAfterFailures)
    M2M_ALERT_TEAMS_WEBHOOK_URL: alertTeamsWebhookUrl
    M2M_ALERT_SLACK_WEBHOOK_URL: alertSlackWebhookUrl
    M2M_ALERT_WEBHOOK_URL: alertWebhookUrl
    M2M_ALERT_WEBHOOK_SECRET: alertWebhookSecret
  }
}

output name string = functionApp.name
output id string = functionApp.id
output defaultHostName string = functionApp.properties.defaultHostName
