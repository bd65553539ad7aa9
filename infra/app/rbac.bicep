// What the app's identity may do, by built-in role and nothing wider. A role is chosen by its data actions, not its
// name (the built-in roles reference lists them: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security,
// .../built-in-roles/storage and .../built-in-roles/monitor; test/infra/builtInRoles.ts keeps the ones used here):
// - every signing mode reads the certificate (certificates/read, and its key id: keys/read): Key Vault Certificate User;
//   it also grants secrets/getSecret/action, which `local` (and `auto` with an exportable key) needs to read the key
//   from the certificate's secret.
// - signing in Key Vault (`vault`, and `auto`, which signs there whenever the key is not exportable; the template
//   cannot know the certificate's policy in advance) needs keys/sign/action: Key Vault Crypto User.
// - renewal creates certificate versions and reads the issuer object (certificates/create/action,
//   certificatecas/read): Key Vault Certificates Officer.
// Never Key Vault Secrets User, Administrator or Contributor: none is needed, and each grants more.

@description('Principal (object) id of the app\'s user-assigned managed identity.')
param identityPrincipalId string

@description('Principal (object) id of the person or pipeline running the deployment, who creates the first certificate (m2m setup); empty for none.')
param deployerPrincipalId string = ''

@description('Name of the vault holding the app\'s certificate.')
param keyVaultName string

@description('Name of the storage account.')
param storageAccountName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('M2M_KEYVAULT_SIGNING of the app: decides whether the identity may sign with the certificate\'s key.')
@allowed([
  'auto'
  'vault'
  'local'
])
param keyVaultSigning string

@description('Whether the app renews its certificate: decides whether the identity may create certificate versions.')
param renewal bool

// Built-in role definition ids (the same in every tenant).
var keyVaultCertificateUser = 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba'
var keyVaultCryptoUser = '12338af0-0e69-4776-bea7-57ae8d297424'
var keyVaultCertificatesOfficer = 'a4417e6f-fecd-4de8-b567-7b0420556985'
// Flex Consumption reads its package from a blob container and the host keeps its locks in blobs: Microsoft's
// template grants Storage Blob Data Owner for both.
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// The app's state tables (m2mRunHistory, m2mLeases, m2mAlerts, m2mRotations), created on first use.
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
// Sending telemetry to an Application Insights component whose local authentication is off.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var signsInVault = keyVaultSigning != 'local'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource certificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultCertificateUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificateUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource cryptoUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (signsInVault) {
  name: guid(vault.id, identityPrincipalId, keyVaultCryptoUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCryptoUser)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource certificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (renewal) {
  name: guid(vault.id, identityPrincipalId, keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificatesOfficer)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The deployer creates the first certificate in the new vault (m2m cert create --keyvault, or m2m setup): with RBAC
// authorization, owning the subscription does not open the vault's data plane.
resource deployerCertificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(vault.id, deployerPrincipalId, keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultCertificatesOfficer)
    principalId: deployerPrincipalId
  }
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identityPrincipalId, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identityPrincipalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}
