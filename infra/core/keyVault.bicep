// The vault that holds the app's certificate. Access is by Azure RBAC only (no access policies), so the role
// assignments in app/rbac.bicep are the whole story of who may do what. Purge protection keeps a deleted certificate
// recoverable for the retention period: nobody, not even an owner, can destroy the app's credential at once
// ("Azure Key Vault recovery management", https://learn.microsoft.com/azure/key-vault/general/key-vault-recovery).

@description('Name of the vault (3-24 letters, digits and dashes; globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Region of the vault.')
param location string

@description('Tags for the vault.')
param tags object = {}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
