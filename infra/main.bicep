// m2m-functions on Azure, as `azd up` deploys it (README: "Deploy to Azure"). Close to Microsoft's Flex Consumption
// TypeScript azd template (Azure-Samples/functions-quickstart-typescript-azd): a subscription-scope deployment that
// creates the resource group and calls one module per concern. Plain resources throughout, no registry modules: no
// Bicep compiler is reachable where this was written, so test/infra reads these files and checks them statically.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and seeds a short unique token in every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('M2M_TENANT_ID: directory (tenant) id of the app registration; empty = the tenant of this subscription.')
param tenantId string = ''

@minLength(36)
@maxLength(36)
@description('M2M_CLIENT_ID: application (client) id of the app registration the jobs get tokens as.')
param clientId string

@minLength(1)
@description('M2M_SCOPE: default scope of the jobs, <resource>/.default (for example api://my-api/.default).')
param scope string

@minLength(1)
@maxLength(127)
@description('M2M_KEYVAULT_CERTIFICATE_NAME: name of the app\'s certificate in the new vault (m2m setup creates it).')
param certificateName string = 'm2m-client'

@description('M2M_KEYVAULT_SIGNING: auto (in Key Vault for a non-exportable key, else in the app), vault or local. Decides the Key Vault roles.')
@allowed([
  'auto'
  'vault'
  'local'
])
param keyVaultSigning string = 'auto'

@description('Whether the app renews its certificate (Key Vault Certificates Officer). Without it, renew by hand; the app adopts the new version.')
param renewal bool = true

@description('M2M_RUN_DEADLINE_SECONDS: a run\'s deadline, at least 30 s below host.json\'s functionTimeout (10 minutes).')
@minValue(5)
@maxValue(570)
param runDeadlineSeconds int = 540

@description('M2M_JOBS: the jobs as a JSON array; empty for none (or M2M_JOBS_FILE).')
param jobs string = ''

@description('M2M_JOBS_FILE: a jobs file shipped in the package, relative to the app root; empty for none.')
param jobsFile string = ''

@description('M2M_CERT_CRITICAL_DAYS: days before expiry when a certificate turns critical, and the threshold of the expiry alert rules. At most M2M_CERT_WARNING_DAYS, which the template leaves at 30.')
@minValue(1)
@maxValue(30)
param certificateCriticalDays int = 7

@description('M2M_ALERT_AFTER_FAILURES: failed runs in a row before a job alerts, and the threshold of the job alert rule.')
@minValue(1)
@maxValue(1000)
param alertAfterFailures int = 3

@description('Email address the Azure Monitor alert rules (app/alerts.bicep) notify; empty: the rules still fire, in Azure Monitor > Alerts, but notify no one.')
param alertEmail string = ''

@description('M2M_ALERT_TEAMS_WEBHOOK_URL; empty for none.')
@secure()
param alertTeamsWebhookUrl string = ''

@description('M2M_ALERT_SLACK_WEBHOOK_URL; empty for none.')
@secure()
param alertSlackWebhookUrl string = ''

@description('M2M_ALERT_WEBHOOK_URL; empty for none.')
@secure()
param alertWebhookUrl string = ''

@description('M2M_ALERT_WEBHOOK_SECRET; empty for none.')
@secure()
param alertWebhookSecret string = ''

@description('Subscribe keyvault-events to the vault\'s events. Event Grid needs the function deployed first: the azd up workflow sets it after the first deployment.')
param subscribeKeyVaultEvents bool = false

@description('Principal (object) id of whoever runs the deployment (azd sets AZURE_PRINCIPAL_ID): may create the first certificate. Empty for none.')
param deployerPrincipalId string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var appTenantId = empty(tenantId) ? tenant().tenantId : tenantId
var functionAppName = 'func-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${resourceToken}'
    deadLetterContainerName: 'keyvault-events-deadletter'
  }
}

module keyVault 'core/keyVault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    appInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: deployerPrincipalId
    keyVaultName: keyVault.outputs.name
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    keyVaultSigning: keyVaultSigning
    renewal: renewal
  }
}

module functionApp 'app/functionApp.bicep' = {
  name: 'functionApp'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    appInsightsName: monitoring.outputs.appInsightsName
    blobServiceUri: storage.outputs.blobEndpoint
    tableServiceUri: storage.outputs.tableEndpoint
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    tenantId: appTenantId
    clientId: clientId
    scope: scope
    keyVaultUrl: keyVault.outputs.uri
    certificateName: certificateName
    keyVaultSigning: keyVaultSigning
    runDeadlineSeconds: runDeadlineSeconds
    jobs: jobs
    jobsFile: jobsFile
    certificateCriticalDays: certificateCriticalDays
    alertAfterFailures: alertAfterFailures
    alertTeamsWebhookUrl: alertTeamsWebhookUrl
    alertSlackWebhookUrl: alertSlackWebhookUrl
    alertWebhookUrl: alertWebhookUrl
    alertWebhookSecret: alertWebhookSecret
  }
}

module keyVaultEvents 'app/keyVaultEvents.bicep' = {
  name: 'keyVaultEvents'
  scope: rg
  params: {
    location: location
    tags: tags
    systemTopicName: 'evgt-${resourceToken}'
    keyVaultName: keyVault.outputs.name
    functionAppName: functionApp.outputs.name
    storageAccountName: storage.outputs.name
    deadLetterContainerName: storage.outputs.deadLetterContainerName
    subscribe: subscribeKeyVaultEvents
  }
}

// The alert rules exist in every deployment; with alertEmail they also notify it.
module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    alertEmail: alertEmail
    actionGroupName: 'ag-${resourceToken}'
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    systemTopicId: keyVaultEvents.outputs.systemTopicId
    // The same parameters as the app settings: the rules fire where the app's own alerts do.
    certificateCriticalDays: certificateCriticalDays
    alertAfterFailures: alertAfterFailures
  }
}

// azd writes these to the environment (.azure/<env>/.env): the names of the app settings are reused, so the next
// provisioning reads the same values back (main.parameters.json) and the bootstrap (m2m setup) finds what it needs.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output M2M_TENANT_ID string = appTenantId
output M2M_CLIENT_ID string = clientId
output M2M_SCOPE string = scope
output M2M_KEYVAULT_URL string = keyVault.outputs.uri
output M2M_KEYVAULT_CERTIFICATE_NAME string = certificateName
output M2M_KEYVAULT_SIGNING string = keyVaultSigning
output M2M_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
// Bicep cannot grant a Microsoft Graph application permission (that needs the Microsoft Graph Bicep extension and a
// privileged role): `m2m app grant` grants this one to the app registration's service principal.
output GRAPH_APP_PERMISSION string = 'Application.ReadWrite.OwnedBy'
output GRAPH_APP_PERMISSION_ID string = '18a4783c-866b-4cc7-a460-3d5e5662c884'
output KEYVAULT_EVENTS_SUBSCRIBED bool = subscribeKeyVaultEvents
