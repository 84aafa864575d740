#!/bin/sh
# Renders the scrape configuration from the environment the app model sets, then runs Prometheus in the foreground.
# The paths default to the image's layout; tests point them at a local Prometheus to run this very script.
#
# Remote write (Azure deploys only): with REMOTE_WRITE_URL set, a remote_write block is appended that sends every sample
# to that URL (an Azure Monitor workspace's ingestion URL), authenticated as the user-assigned managed identity
# REMOTE_WRITE_CLIENT_ID. The history then lives in the workspace, and the local TSDB keeps only a short window
# (RETENTION, 1d by default instead of 7d). Without REMOTE_WRITE_URL (local runs) nothing changes.
#
# History: before Prometheus starts, import-history.sh imports the ingestor's candle history (GET /history) into the
# data directory with promtool, waiting at most HISTORY_WAIT seconds (60 by default, 0 turns it off). It never stops
# the container: on failure it prints one line saying why and Prometheus starts anyway. Then the same script goes on in
# the background, importing every HISTORY_FOLLOW_EVERY seconds (60) the history that arrives later (streams fetched
# after the wait) into the running Prometheus, never into time it has already scraped.
set -eu
: "${INGESTOR_TARGET:?INGESTOR_TARGET must name the ingestor as host:port}"
TEMPLATE="${TEMPLATE:-/etc/prometheus/prometheus.yml.template}"
RULES_DIR="${RULES_DIR:-/etc/prometheus/rules}"
DATA_DIR="${DATA_DIR:-/prometheus}"
PROMETHEUS_BIN="${PROMETHEUS_BIN:-/bin/prometheus}"
HISTORY_SCRIPT="${HISTORY_SCRIPT:-/etc/prometheus/import-history.sh}"
REMOTE_WRITE_URL="${REMOTE_WRITE_URL:-}"
CONFIG="${DATA_DIR}/prometheus.yml"
sed -e "s|__INGESTOR_TARGET__|${INGESTOR_TARGET}|g" \
    -e "s|__SCRAPE_INTERVAL__|${SCRAPE_INTERVAL:-15s}|g" \
    -e "s|__RULES_DIR__|${RULES_DIR}|g" \
    "${TEMPLATE}" > "${CONFIG}"
if [ -n "${REMOTE_WRITE_URL}" ]; then
  : "${REMOTE_WRITE_CLIENT_ID:?REMOTE_WRITE_CLIENT_ID must name the managed identity (client id) that may write to REMOTE_WRITE_URL}"
  case "${REMOTE_WRITE_URL}" in
    https://*) ;;
    *) echo "REMOTE_WRITE_URL must be an https:// URL, got '${REMOTE_WRITE_URL}'" >&2; exit 64 ;;
  esac
  case "${REMOTE_WRITE_URL}${REMOTE_WRITE_CLIENT_ID}" in
    *'"'* | *'\'* | *' '*) echo "REMOTE_WRITE_URL and REMOTE_WRITE_CLIENT_ID must not contain quotes, backslashes or spaces" >&2; exit 64 ;;
  esac
  cat >> "${CONFIG}" <<REMOTE_WRITE

remote_write:
  - url: "${REMOTE_WRITE_URL}"
    azuread:
      cloud: AzurePublic
      managed_identity:
        client_id: "${REMOTE_WRITE_CLIENT_ID}"
REMOTE_WRITE
  RETENTION="${RETENTION:-1d}"
fi
RETENTION="${RETENTION:-7d}"
export INGESTOR_TARGET DATA_DIR
export HISTORY_RETENTION="${RETENTION}"
export PROMTOOL_BIN="${PROMTOOL_BIN:-/bin/promtool}"
/bin/sh "${HISTORY_SCRIPT}" start || true
if [ "${HISTORY_WAIT:-60}" != "0" ] && [ "${HISTORY_FOLLOW_EVERY:-60}" != "0" ]; then
  # Outlives the exec below as Prometheus' child: this shell's process id becomes Prometheus', and the follower ends with it.
  FOLLOW_WHILE_PID=$$ /bin/sh "${HISTORY_SCRIPT}" follow &
fi
exec "${PROMETHEUS_BIN}" \
  --config.file="${CONFIG}" \
  --storage.tsdb.path="${DATA_DIR}" \
  --storage.tsdb.retention.time="${RETENTION}" \
  --web.listen-address="${LISTEN_ADDRESS:-:9090}" \
  "$@"
