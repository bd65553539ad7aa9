// Azure Monitor alert rules, in every deployment; with an email address they notify it through one action group.
// Without one, the rules still fire and show in Azure Monitor > Alerts: an operator can add the address later
// (azd env set ALERT_EMAIL, azd provision) without the rules changing. An action group attached by hand would be
// dropped by the next provisioning: the template owns each rule's actions.
//
// Two rules watch what the app cannot report itself (it did not start, or its events were not delivered); four watch
// the app's own OpenTelemetry metrics (src/telemetry/metricNames.ts), next to the app's alerts through its channels
// (M2M_ALERT_*), with the same thresholds: the parameters below are the app settings M2M_CERT_CRITICAL_DAYS and
// M2M_ALERT_AFTER_FAILURES (main.bicep passes both here and to the function app).
//
// How those metrics reach a metric alert: the Azure Monitor exporter sends each instrument under its own name
// (dots kept: m2m.certificate.days_left) with its attributes as custom dimensions (@azure/monitor-opentelemetry-exporter,
// resourceMetricsToEnvelope in utils/metricUtils), and Application Insights stores
// every OpenTelemetry metric in the customMetrics table and in the metrics store, in the custom metric namespace
// azure.applicationinsights ("Custom metrics dimensions and preaggregation",
// https://learn.microsoft.com/azure/azure-monitor/app/metrics-overview#custom-metrics-dimensions-and-preaggregation).
// The metrics store keeps the dimensions only when the component opts in (core/monitoring.bicep,
// CustomMetricsOptedInType); the rules below split and filter by them. Names and dimension keys may be up to 256
// characters ("Quotas and limits", https://learn.microsoft.com/azure/azure-monitor/metrics/metrics-custom-overview#quotas-and-limits).
// A custom metric exists only once the app has sent it, so its criteria skip the metric validation a rule gets at
// creation (skipMetricValidation; "Template for a static threshold metric alert that monitors a custom metric",
// https://learn.microsoft.com/azure/azure-monitor/alerts/resource-manager-alerts-metric).
//
// Severity (0 critical ... 4 verbose): 1 when something stops working or will within days (a function failing, a
// credential within its critical days); 2 when it needs a look but the app retries (a job failing, a rotation step
// failed: the next check retries it, and the expiry rule escalates if it keeps failing), or nothing is lost yet
// (events dead-lettered).

@description('Email address of the operators; empty: the rules fire without notifying anyone.')
param alertEmail string

@description('Name of the action group.')
param actionGroupName string

@description('Tags for the action group and the alerts.')
param tags object = {}

@description('Resource id of the Application Insights component.')
param appInsightsId string

@description('Resource id of the Key Vault events system topic.')
param systemTopicId string

@description('M2M_CERT_CRITICAL_DAYS: a certificate with this many days left or fewer is critical.')
@minValue(1)
@maxValue(30)
param certificateCriticalDays int

@description('M2M_ALERT_AFTER_FAILURES: a job alerts once this many runs in a row failed.')
@minValue(1)
@maxValue(1000)
param alertAfterFailures int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
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

// Every rule's actions: the action group when there is one.
var actions = empty(alertEmail) ? [] : [
  {
    actionGroupId: actionGroup.id
  }
]

resource functionExceptions 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-function-exceptions'
  location: 'global'
  tags: tags
  properties: {
    description: 'A function of m2m-functions failed with an exception: see the host log in Application Insights.'
    severity: 1
    enabled: true
    autoMitigate: true
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
    actions: actions
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
    autoMitigate: true
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
    actions: actions
  }
}

// Days left are recorded once per certificate check (daily by default, M2M_CERT_CHECK_SCHEDULE): a 24-hour window
// always holds the last check, evaluated hourly. Minimum, because a renewal shows as a second, higher value within
// the window: the alert resolves a day after the renewal at the latest. The app calls a certificate critical when
// days left <= M2M_CERT_CRITICAL_DAYS (src/certificates/classifyCertificate.ts), expired ones included.
resource certificateCritical 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-certificate-critical'
  location: 'global'
  tags: tags
  properties: {
    description: 'A certificate m2m-functions watches has ${certificateCriticalDays} days left or fewer (M2M_CERT_CRITICAL_DAYS): renew it, or see why the app did not (its alerts and the certificates-check log).'
    severity: 1
    enabled: true
    autoMitigate: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT24H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'daysLeft'
          metricNamespace: 'azure.applicationinsights'
          metricName: 'm2m.certificate.days_left'
          skipMetricValidation: true
          // One alert per certificate, named by its vault and name.
          dimensions: [
            {
              name: 'm2m.vault'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'm2m.certificate.name'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'LessThanOrEqual'
          threshold: certificateCriticalDays
          timeAggregation: 'Minimum'
        }
      ]
    }
    actions: actions
  }
}

// The app registration's certificate credentials, read from Graph by the same check: the same schedule and window.
resource appCredentialCritical 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-app-credential-critical'
  location: 'global'
  tags: tags
  properties: {
    description: 'A certificate credential of the app registration has ${certificateCriticalDays} days left or fewer (M2M_CERT_CRITICAL_DAYS): register its successor (m2m app register-cert) or let the rotation do it.'
    severity: 1
    enabled: true
    autoMitigate: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT24H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'daysLeft'
          metricNamespace: 'azure.applicationinsights'
          metricName: 'm2m.app_credential.days_left'
          skipMetricValidation: true
          // One alert per credential: the app registration and the key id.
          dimensions: [
            {
              name: 'm2m.app.id'
              operator: 'Include'
              values: [
                '*'
              ]
            }
            {
              name: 'm2m.credential.key_id'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'LessThanOrEqual'
          threshold: certificateCriticalDays
          timeAggregation: 'Minimum'
        }
      ]
    }
    actions: actions
  }
}

// The streak is recorded after each run of a job (0 after a success). Evaluated every 5 minutes over the last hour:
// the alert fires within minutes of the run that reaches M2M_ALERT_AFTER_FAILURES and resolves an hour after the
// streak is broken (or after its last failing run, for a job that runs less often than hourly; each later failing
// run fires it again).
resource jobFailing 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-job-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'A job of m2m-functions failed ${alertAfterFailures} or more runs in a row (M2M_ALERT_AFTER_FAILURES): see its last error on the dashboard or in GET /api/jobs.'
    severity: 2
    enabled: true
    autoMitigate: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failureStreak'
          metricNamespace: 'azure.applicationinsights'
          metricName: 'm2m.job.failure_streak'
          skipMetricValidation: true
          // One alert per job.
          dimensions: [
            {
              name: 'm2m.job'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThanOrEqual'
          threshold: alertAfterFailures
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: actions
  }
}

// Rotation steps are counted as they are taken, with their outcome; any failed one in the last hour fires, per step.
resource rotationStepFailed 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'm2m-rotation-step-failed'
  location: 'global'
  tags: tags
  properties: {
    description: 'A step of the certificate renewal and key rotation failed: the next certificate check retries it. See the app\'s alert and the certificates-check log for the error and its fix.'
    severity: 2
    enabled: true
    autoMitigate: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'failedSteps'
          metricNamespace: 'azure.applicationinsights'
          metricName: 'm2m.rotation.steps'
          skipMetricValidation: true
          // Failed steps only, one alert per step.
          dimensions: [
            {
              name: 'm2m.outcome'
              operator: 'Include'
              values: [
                'failed'
              ]
            }
            {
              name: 'm2m.rotation.step'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Total'
        }
      ]
    }
    actions: actions
  }
}
