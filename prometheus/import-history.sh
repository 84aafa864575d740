#!/bin/sh
# Imports the ingestor's candle history (GET /history, OpenMetrics with timestamps) into Prometheus' data directory
# with promtool, before Prometheus starts: the container entrypoint and the AppHost's local run both run this script,
# so every mode gets history the same way.
#
# The labels passed to /history are the ones Prometheus' scrape adds to the live samples (job "ingestor", instance the
# target as written in the scrape configuration), so backfilled and live candles form one series.
#
# Never fatal: whatever goes wrong (ingestor unreachable, history still partial after HISTORY_WAIT seconds, promtool
# failing), it prints ONE line saying why and exits 0, and Prometheus starts anyway.
set -u
: "${INGESTOR_TARGET:?INGESTOR_TARGET must name the ingestor as host:port}"
: "${DATA_DIR:?DATA_DIR must be the directory Prometheus is started with as --storage.tsdb.path}"
PROMTOOL_BIN="${PROMTOOL_BIN:-promtool}"
HISTORY_WAIT="${HISTORY_WAIT:-60}"
HISTORY_JOB="${HISTORY_JOB:-ingestor}"
URL="http://${INGESTOR_TARGET}/history?job=${HISTORY_JOB}&instance=${INGESTOR_TARGET}"

say() { echo "History import: $*"; }

if [ "${HISTORY_WAIT}" = "0" ]; then
  say "off (HISTORY_WAIT=0)"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/kline-history.XXXXXX")" || { say "skipped: no temporary directory"; exit 0; }
trap 'rm -rf "${WORK}"' EXIT
BODY="${WORK}/history.om"
HEADERS="${WORK}/headers"

# One request: the body to BODY, the response headers to HEADERS; non-zero when the request failed.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 30 -D "${HEADERS}" -o "${BODY}" "${URL}" 2>"${WORK}/error"
  else
    # BusyBox (the prom/prometheus image) and GNU wget both print the response headers to stderr with -S.
    wget -q -S -T 30 -O "${BODY}" "${URL}" 2>"${HEADERS}"
  fi
}

START="$(date +%s)"
STATE=""
while :; do
  if fetch; then
    STATE="$(tr -d '\r' < "${HEADERS}" | sed -n 's/^ *[Xx]-[Kk]line-[Hh]istory: *//p' | tail -n 1)"
    [ "${STATE}" = "complete" ] && break
    STATE="${STATE:-unknown}"
  else
    STATE="unreachable"
  fi
  if [ $(( $(date +%s) - START )) -ge "${HISTORY_WAIT}" ]; then
    break
  fi
  sleep 2
done

if [ "${STATE}" = "unreachable" ]; then
  say "skipped: ${URL} did not answer within ${HISTORY_WAIT} s"
  exit 0
fi

if ! grep -q '^kline_' "${BODY}"; then
  say "nothing to import (history ${STATE}, no samples)"
  exit 0
fi

if ! "${PROMTOOL_BIN}" tsdb create-blocks-from openmetrics "${BODY}" "${DATA_DIR}" >"${WORK}/promtool.log" 2>&1; then
  say "failed: promtool: $(tail -n 1 "${WORK}/promtool.log")"
  exit 0
fi

SAMPLES="$(grep -c '^kline_' "${BODY}")"
if [ "${STATE}" = "complete" ]; then
  say "imported ${SAMPLES} samples in $(( $(date +%s) - START )) s"
else
  say "partial: history still ${STATE} after ${HISTORY_WAIT} s; imported the ${SAMPLES} samples served so far"
fi
exit 0
