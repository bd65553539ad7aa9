// Key Vault's certificate events to the keyvault-events function (the fast path next to the certificate-check timer):
// an Event Grid system topic on the vault and a subscription for the three event types the function handles
// ("Azure Key Vault as Event Grid source", https://learn.microsoft.com/azure/event-grid/event-schema-key-vault).
// Events that cannot be delivered are dead-lettered to a blob container; the system topic writes them with its own
// identity because the storage account accepts no shared keys ("Deliver events using managed identity",
// https://learn.microsoft.com/azure/event-grid/managed-service-identity).
// Event Grid checks that the function exists when the subscription is created, so the subscription can only follow a
// code deployment: the azd up workflow (azure.yaml) provisions, deploys, then provisions again with subscribe = true.

@description('Region of the system topic: the vault\'s region.')
param location string

@description('Tags for the system topic.')
param tags object = {}

@description('Name of the system topic.')
param systemTopicName string

@description('Name of the vault whose events are delivered.')
param keyVaultName string

@description('Name of the function app hosting keyvault-events.')
param functionAppName string

@description('Name of the storage account holding the dead-letter container.')
param storageAccountName string

@description('Blob container for events that could not be delivered.')
param deadLetterContainerName string

@description('Create the subscription: true once the app\'s code (and so the keyvault-events function) is deployed.')
param subscribe bool

// Storage Blob Data Contributor (built-in role id): the topic writes dead-lettered events, in its one container.
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: storage
  name: 'default'
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: deadLetterContainerName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

resource deadLetterWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(deadLetterContainer.id, systemTopic.id, storageBlobDataContributor)
  scope: deadLetterContainer
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: systemTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultEventsSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (subscribe) {
  parent: systemTopic
  name: 'keyvault-events'
  dependsOn: [
    deadLetterWriter
  ]
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/keyvault-events'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    // The function reads eventType, id and data (src/functions/keyVaultEventHandler.ts): the Event Grid schema.
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.KeyVault.CertificateNewVersionCreated'
        'Microsoft.KeyVault.CertificateNearExpiry'
        'Microsoft.KeyVault.CertificateExpired'
      ]
    }
    // A day of retries rides out a deployment or an outage; the daily certificate check covers whatever is lost.
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainer.name
        }
      }
    }
  }
}

output systemTopicId string = systemTopic.id
output systemTopicName string = systemTopic.name
