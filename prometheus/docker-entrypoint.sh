#!/bin/sh
# Renders the scrape configuration from the environment the app model sets, then runs Prometheus in the foreground.
set -eu
: "${INGESTOR_TARGET:?INGESTOR_TARGET must name the ingestor as host:port}"
sed -e "s|__INGESTOR_TARGET__|${INGESTOR_TARGET}|g" \
    -e "s|__SCRAPE_INTERVAL__|${SCRAPE_INTERVAL:-15s}|g" \
    -e "s|__RULES_DIR__|/etc/prometheus/rules|g" \
    /etc/prometheus/prometheus.yml.template > /prometheus/prometheus.yml
exec /bin/prometheus \
  --config.file=/prometheus/prometheus.yml \
  --storage.tsdb.path=/prometheus \
  --storage.tsdb.retention.time="${RETENTION:-7d}" \
  --web.listen-address=:9090 \
  "$@"
