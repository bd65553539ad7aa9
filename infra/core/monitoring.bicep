// Log Analytics and a workspace-based Application Insights, both with local (key-based) authentication off: telemetry
// is accepted only from a Microsoft Entra identity with Monitoring Metrics Publisher (app/rbac.bicep), which the app
// names in APPLICATIONINSIGHTS_AUTHENTICATION_STRING ("Microsoft Entra authentication for Application Insights",
// https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Region of both.')
param location string

@description('Tags for both.')
param tags object = {}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
    // The app's OpenTelemetry metrics reach the metrics store as custom metrics in namespace azure.applicationinsights,
    // but without their attributes unless the component keeps custom metric dimensions ("Custom metrics dimensions and
    // preaggregation", https://learn.microsoft.com/azure/azure-monitor/app/metrics-overview#custom-metrics-dimensions-and-preaggregation;
    // the portal's Usage and estimated costs > Send custom metrics to Azure Metric Store > With dimensions). The alert
    // rules in app/alerts.bicep split and filter by those attributes. The property is not in the published schema
    // (hence the directive); Microsoft's answer on it, with its values: https://github.com/Azure/bicep/issues/6595.
    // Dimensions may be billed as custom metrics (https://azure.microsoft.com/pricing/details/monitor/); the app's
    // attributes are small bounded sets (jobs, certificates, steps).
    #disable-next-line BCP037
    CustomMetricsOptedInType: 'WithDimensions'
  }
}

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
output logAnalyticsId string = logAnalytics.id
