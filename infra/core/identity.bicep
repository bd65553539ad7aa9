// The user-assigned managed identity the function app runs as: the Functions host (storage), Application Insights
// and the app itself (Key Vault, its own tables) authenticate with it. A user-assigned identity exists before the app
// does, so its role assignments are in place by the time the app first starts.

@description('Name of the identity.')
param name string

@description('Region of the identity.')
param location string

@description('Tags for the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
