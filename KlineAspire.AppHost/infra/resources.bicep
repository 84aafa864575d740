// The shared resources `azd infra gen` writes for this AppHost (Azure/azure-dev,
// cli/azd/resources/apphost/templates/resources.bicept): identity, registry, Log Analytics, Container Apps environment
// with the Aspire dashboard. Added by hand: an Azure Monitor workspace with its own data collection endpoint and rule,
// and Prometheus' own identity, which may publish metrics to that rule and nothing else.
@description('The location used for all deployed resources')
param location string = resourceGroup().location
@description('Id of the user or app to assign application roles')
param principalId string = ''

@description('Tags that will be applied to all resources')
param tags object = {}

@description('Provision an Azure Monitor workspace and let Prometheus remote-write to it.')
param enableMonitorWorkspace bool = true

var resourceToken = uniqueString(resourceGroup().id)

// Built-in role definitions.
var acrPullRole = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var monitoringMetricsPublisherRole = '3913510d-42f4-4e42-8a64-420c390055eb'
var monitoringDataReaderRole = 'b0d8363b-8ddd-447d-831f-62ca45ff4b5c'

resource managedIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'mi-${resourceToken}'
  location: location
  tags: tags
}

resource containerRegistry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: replace('acr-${resourceToken}', '-', '')
  location: location
  sku: {
    name: 'Basic'
  }
  tags: tags
}

resource caeMiRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(containerRegistry.id, managedIdentity.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole))
  scope: containerRegistry
  properties: {
    principalId: managedIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRole)
  }
}

resource logAnalyticsWorkspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: 'law-${resourceToken}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
  }
  tags: tags
}

resource containerAppEnvironment 'Microsoft.App/managedEnvironments@2024-02-02-preview' = {
  name: 'cae-${resourceToken}'
  location: location
  properties: {
    workloadProfiles: [{
      workloadProfileType: 'Consumption'
      name: 'consumption'
    }]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logAnalyticsWorkspace.properties.customerId
        sharedKey: logAnalyticsWorkspace.listKeys().primarySharedKey
      }
    }
  }
  tags: tags

  resource aspireDashboard 'dotNetComponents' = {
    name: 'aspire-dashboard'
    properties: {
      componentType: 'AspireDashboard'
    }
  }

}

// Prometheus' identity, attached to the prometheus container app only (prometheus.tmpl.yaml). It exists with the
// workspace switched off too, so the container app's definition does not change shape with the switch.
resource prometheusIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'mi-prometheus-${resourceToken}'
  location: location
  tags: tags
}

// Azure Monitor workspace: Azure's managed Prometheus, which keeps the samples Prometheus remote-writes (18 months).
resource monitorWorkspace 'Microsoft.Monitor/accounts@2023-04-03' = if (enableMonitorWorkspace) {
  name: 'amw-${resourceToken}'
  location: location
  tags: tags
}

// Ingestion goes through a data collection endpoint and rule in the workspace's region; the rule routes the
// Prometheus stream to the workspace. Prometheus' remote-write URL names both.
resource dataCollectionEndpoint 'Microsoft.Insights/dataCollectionEndpoints@2022-06-01' = if (enableMonitorWorkspace) {
  name: 'dce-${resourceToken}'
  location: location
  kind: 'Linux'
  properties: {}
  tags: tags
}

resource dataCollectionRule 'Microsoft.Insights/dataCollectionRules@2022-06-01' = if (enableMonitorWorkspace) {
  name: 'dcr-prometheus-${resourceToken}'
  location: location
  kind: 'Linux'
  properties: {
    description: 'Prometheus remote write from the KlineAspire prometheus container app'
    dataCollectionEndpointId: dataCollectionEndpoint.id
    dataSources: {
      prometheusForwarder: [
        {
          name: 'PrometheusDataSource'
          streams: [
            'Microsoft-PrometheusMetrics'
          ]
          labelIncludeFilter: {}
        }
      ]
    }
    destinations: {
      monitoringAccounts: [
        {
          accountResourceId: monitorWorkspace.id
          name: 'MonitoringAccount1'
        }
      ]
    }
    dataFlows: [
      {
        streams: [
          'Microsoft-PrometheusMetrics'
        ]
        destinations: [
          'MonitoringAccount1'
        ]
      }
    ]
  }
  tags: tags
}

// Monitoring Metrics Publisher on the rule: what remote write authenticates for.
resource prometheusPublisherRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableMonitorWorkspace) {
  name: guid(dataCollectionRule.id, prometheusIdentity.id, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRole))
  scope: dataCollectionRule
  properties: {
    principalId: prometheusIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisherRole)
  }
}

// Monitoring Data Reader on the workspace for whoever ran azd: lets them query the history (docs/deploy.md).
resource userReadRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableMonitorWorkspace && !empty(principalId)) {
  name: guid(monitorWorkspace.id, principalId, subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringDataReaderRole))
  scope: monitorWorkspace
  properties: {
    principalId: principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringDataReaderRole)
  }
}

output MANAGED_IDENTITY_CLIENT_ID string = managedIdentity.properties.clientId
output MANAGED_IDENTITY_NAME string = managedIdentity.name
output MANAGED_IDENTITY_PRINCIPAL_ID string = managedIdentity.properties.principalId
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = logAnalyticsWorkspace.name
output AZURE_LOG_ANALYTICS_WORKSPACE_ID string = logAnalyticsWorkspace.id
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = containerRegistry.properties.loginServer
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = managedIdentity.id
output AZURE_CONTAINER_REGISTRY_NAME string = containerRegistry.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = containerAppEnvironment.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = containerAppEnvironment.id
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = containerAppEnvironment.properties.defaultDomain
output PROMETHEUS_MANAGED_IDENTITY_ID string = prometheusIdentity.id
output PROMETHEUS_MANAGED_IDENTITY_CLIENT_ID string = prometheusIdentity.properties.clientId
// Empty when the workspace is switched off: the image's entrypoint then renders no remote_write.
output PROMETHEUS_REMOTE_WRITE_URL string = enableMonitorWorkspace
  ? '${dataCollectionEndpoint!.properties.metricsIngestion.endpoint}/dataCollectionRules/${dataCollectionRule!.properties.immutableId}/streams/Microsoft-PrometheusMetrics/api/v1/write?api-version=2023-04-24'
  : ''
output AZURE_MONITOR_WORKSPACE_NAME string = enableMonitorWorkspace ? monitorWorkspace!.name : ''
output AZURE_MONITOR_WORKSPACE_QUERY_ENDPOINT string = enableMonitorWorkspace ? monitorWorkspace!.properties.metrics.prometheusQueryEndpoint : ''
