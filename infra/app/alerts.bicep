// Azure Monitor alerts by email for what the app cannot report itself: functions failing with an exception (the app
// did not start, a bad setting, a crash) and Key Vault events Event Grid gave up delivering. Job failures, certificate
// expiry and renewal go through the app's own channels (M2M_ALERT_*).

@description('Email address of the operators.')
param alertEmail string

@description('Name of the action group.')
param actionGroupName string

@description('Tags for the action group and the alerts.')
param tags object = {}

@description('Resource id of the Application Insights component.')
param appInsightsId string

@description('Resource id of the Key Vault events system topic.')
param systemTopicId string

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'm2m-alerts'
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource functionExceptions 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-function-exceptions'
  location: 'global'
  tags: tags
  properties: {
    description: 'A function of m2m-functions failed with an exception: see the host log in Application Insights.'
    severity: 1
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'exceptions'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'exceptions/count'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Count'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource deadLetteredEvents 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-keyvault-events-dead-lettered'
  location: 'global'
  tags: tags
  properties: {
    description: 'Event Grid could not deliver Key Vault events to keyvault-events: they are in the dead-letter container.'
    severity: 2
    enabled: true
    scopes: [
      systemTopicId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'deadLettered'
          metricNamespace: 'Microsoft.EventGrid/systemTopics'
          metricName: 'DeadLetteredCount'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}
