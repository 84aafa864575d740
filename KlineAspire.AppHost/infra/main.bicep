// Written by hand in the shape `azd infra gen` gives an Aspire AppHost (Azure/azure-dev,
// cli/azd/resources/apphost/templates/main.bicept), then changed: an Azure Monitor workspace that keeps Prometheus'
// history across redeploys. KlineAspire.Tests/EndToEnd/AzureInfraTests keeps it in step with the AppHost's manifest.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the environment that can be used as part of naming resource convention, the name of the resource group for your application will use this name, prefixed with rg-')
param environmentName string

@minLength(1)
@description('The location used for all deployed resources')
param location string

@description('Id of the user or app to assign application roles')
param principalId string = ''

@description('Binance symbols the ingestor streams (the AppHost parameter "symbols").')
param symbols string = 'BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT'

@description('Kline intervals the ingestor streams (the AppHost parameter "intervals").')
param intervals string = '1m'

@description('Provision an Azure Monitor workspace and have Prometheus remote-write its samples there, so history survives redeploys.')
param enableMonitorWorkspace bool = true

var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2022-09-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}
module resources 'resources.bicep' = {
  scope: rg
  name: 'resources'
  params: {
    location: location
    tags: tags
    principalId: principalId
    enableMonitorWorkspace: enableMonitorWorkspace
  }
}

output MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.MANAGED_IDENTITY_CLIENT_ID
output MANAGED_IDENTITY_NAME string = resources.outputs.MANAGED_IDENTITY_NAME
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = resources.outputs.AZURE_LOG_ANALYTICS_WORKSPACE_NAME
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = resources.outputs.AZURE_CONTAINER_REGISTRY_ENDPOINT
output AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID string = resources.outputs.AZURE_CONTAINER_REGISTRY_MANAGED_IDENTITY_ID
output AZURE_CONTAINER_REGISTRY_NAME string = resources.outputs.AZURE_CONTAINER_REGISTRY_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_NAME
output AZURE_CONTAINER_APPS_ENVIRONMENT_ID string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_ID
output AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN string = resources.outputs.AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN
output PROMETHEUS_MANAGED_IDENTITY_ID string = resources.outputs.PROMETHEUS_MANAGED_IDENTITY_ID
output PROMETHEUS_MANAGED_IDENTITY_CLIENT_ID string = resources.outputs.PROMETHEUS_MANAGED_IDENTITY_CLIENT_ID
output PROMETHEUS_REMOTE_WRITE_URL string = resources.outputs.PROMETHEUS_REMOTE_WRITE_URL
output AZURE_MONITOR_WORKSPACE_NAME string = resources.outputs.AZURE_MONITOR_WORKSPACE_NAME
output AZURE_MONITOR_WORKSPACE_QUERY_ENDPOINT string = resources.outputs.AZURE_MONITOR_WORKSPACE_QUERY_ENDPOINT
output AZURE_SYMBOLS string = symbols
output AZURE_INTERVALS string = intervals
