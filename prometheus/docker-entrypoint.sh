#!/bin/sh
# Renders the scrape configuration from the environment the app model sets, then runs Prometheus in the foreground.
# The paths default to the image's layout; tests point them at a local Prometheus to run this very script.
set -eu
: "${INGESTOR_TARGET:?INGESTOR_TARGET must name the ingestor as host:port}"
TEMPLATE="${TEMPLATE:-/etc/prometheus/prometheus.yml.template}"
RULES_DIR="${RULES_DIR:-/etc/prometheus/rules}"
DATA_DIR="${DATA_DIR:-/prometheus}"
PROMETHEUS_BIN="${PROMETHEUS_BIN:-/bin/prometheus}"
sed -e "s|__INGESTOR_TARGET__|${INGESTOR_TARGET}|g" \
    -e "s|__SCRAPE_INTERVAL__|${SCRAPE_INTERVAL:-15s}|g" \
    -e "s|__RULES_DIR__|${RULES_DIR}|g" \
    "${TEMPLATE}" > "${DATA_DIR}/prometheus.yml"
exec "${PROMETHEUS_BIN}" \
  --config.file="${DATA_DIR}/prometheus.yml" \
  --storage.tsdb.path="${DATA_DIR}" \
  --storage.tsdb.retention.time="${RETENTION:-7d}" \
  --web.listen-address="${LISTEN_ADDRESS:-:9090}" \
  "$@"
