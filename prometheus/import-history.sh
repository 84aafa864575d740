#!/bin/sh
# Imports the ingestor's candle history (GET /history, OpenMetrics with timestamps) into Prometheus' data directory
# with promtool. The container entrypoint and the AppHost's local run both run this script, so every mode gets history
# the same way (docs/history.md).
#
#   import-history.sh [start]   before Prometheus starts: waits up to HISTORY_WAIT seconds for the whole history, imports
#                               it and exits. With a state file left by an earlier run in DATA_DIR (a restart on the
#                               same data), it imports only what arrived since.
#   import-history.sh follow    the same (nothing, if a start step left its state), then every HISTORY_FOLLOW_EVERY
#                               seconds imports the history that arrived later (streams of a whole-exchange selection
#                               fetched after the wait) into the running Prometheus, which loads the new blocks
#                               at its next block reload (within a minute). With FOLLOW_WHILE_PID set, it ends once that
#                               process has.
#
# The labels passed to /history are the ones Prometheus' scrape adds to the live samples (job "ingestor", instance the
# target as written in the scrape configuration), so backfilled and live candles form one series. A later import asks
# only for streams whose history arrived since the previous answer (after= its X-Kline-History-Change) and only for
# samples from before the first import (until=), so it never writes where Prometheus already holds live samples: a
# block ending after Prometheus' first scrape would also make it drop, at its next restart, the write-ahead log's
# samples from before the block's end (docs/history.md).
# After the ingestor restarts, the history it reads again covers time Prometheus already holds: that is not imported.
#
# Never fatal: whatever goes wrong (ingestor unreachable, history still partial after HISTORY_WAIT seconds, promtool
# failing), it prints ONE line saying why, and Prometheus starts anyway. Each import reports its result to the ingestor
# (POST /history/imports), which counts it in kline_ingestor_history_imports_total{result}.
set -u
: "${INGESTOR_TARGET:?INGESTOR_TARGET must name the ingestor as host:port}"
: "${DATA_DIR:?DATA_DIR must be the directory Prometheus is started with as --storage.tsdb.path}"
PROMTOOL_BIN="${PROMTOOL_BIN:-promtool}"
HISTORY_WAIT="${HISTORY_WAIT:-60}"
HISTORY_FOLLOW_EVERY="${HISTORY_FOLLOW_EVERY:-60}"
HISTORY_JOB="${HISTORY_JOB:-ingestor}"
# Prometheus' --storage.tsdb.retention.time: history older than that would be imported only to be dropped.
HISTORY_RETENTION="${HISTORY_RETENTION:-15d}"
MODE="${1:-start}"
BASE="http://${INGESTOR_TARGET}/history"
LABELS="job=${HISTORY_JOB}&instance=${INGESTOR_TARGET}&retention=${HISTORY_RETENTION}"
# What the imports so far did: the ingestor's run (RUN), when Prometheus could first have scraped it (FIRST, Unix
# seconds) and the last change of the history the last import got (LAST). Kept in the data directory, so a restart on
# the same data sees it.
STATE_FILE="${DATA_DIR}/kline-history.state"

say() { echo "History import: $*"; }

case "${MODE}" in
  start | follow) ;;
  *) say "unknown mode '${MODE}' (start or follow); nothing imported"; exit 0 ;;
esac

if [ "${HISTORY_WAIT}" = "0" ]; then
  say "off (HISTORY_WAIT=0)"
  exit 0
fi

mkdir -p "${DATA_DIR}" || { say "skipped: cannot create ${DATA_DIR}"; exit 0; }
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kline-history.XXXXXX")" || { say "skipped: no temporary directory"; exit 0; }
trap 'rm -rf "${WORK}"' EXIT
trap 'exit 0' INT TERM
BODY="${WORK}/history.om"
HEADERS="${WORK}/headers"

# One request: the body to BODY, the response headers to HEADERS; non-zero when the request failed.
fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 30 -D "${HEADERS}" -o "${BODY}" "$1" 2>"${WORK}/error"
  else
    # BusyBox (the prom/prometheus image) and GNU wget both print the response headers to stderr with -S.
    wget -q -S -T 30 -O "${BODY}" "$1" 2>"${HEADERS}"
  fi
}

# The value of response header $1 (case-insensitive) of the last fetch.
header() {
  tr -d '\r' < "${HEADERS}" | grep -i "^ *$1:" | tail -n 1 | sed 's/^[^:]*: *//'
}

# Best effort: an import the ingestor cannot be told about is still in the log line.
report() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 10 -X POST "${BASE}/imports?result=$1" >/dev/null 2>&1
  else
    wget -q -T 10 -O /dev/null --post-data='' "${BASE}/imports?result=$1" >/dev/null 2>&1
  fi
  return 0
}

save_state() {
  printf 'RUN=%s\nFIRST=%s\nLAST=%s\n' "${RUN}" "${FIRST}" "${LAST}" > "${STATE_FILE}.tmp" && mv "${STATE_FILE}.tmp" "${STATE_FILE}"
}

# Counted once per answer: a whole-exchange history is a large file.
samples() { grep -c '^kline_' "${BODY}"; }

# promtool writes the blocks into a fresh directory beside the TSDB, and only whole blocks are moved in: a running
# Prometheus never sees a half-written one. On failure, FAILURE holds promtool's last line.
import_body() {
  OUT="$(mktemp -d "${DATA_DIR}/.kline-history-import.XXXXXX")" || { FAILURE="no temporary directory in ${DATA_DIR}"; return 1; }
  if ! "${PROMTOOL_BIN}" tsdb create-blocks-from openmetrics "${BODY}" "${OUT}" >"${WORK}/promtool.log" 2>&1; then
    FAILURE="promtool: $(tail -n 1 "${WORK}/promtool.log")"
    rm -rf "${OUT}"
    return 1
  fi
  for block in "${OUT}"/*; do
    if [ -d "${block}" ]; then
      mv "${block}" "${DATA_DIR}/" || { FAILURE="cannot move ${block} into ${DATA_DIR}"; rm -rf "${OUT}"; return 1; }
    fi
  done
  rm -rf "${OUT}"
}

# Before Prometheus serves: the whole history, up to the request (the ingestor continues each stream with the candle
# its live gauges show), waiting up to HISTORY_WAIT seconds for it to be complete.
first_import() {
  START="$(date +%s)"
  STATE=""
  while :; do
    REQUESTED="$(date +%s)"
    if fetch "${BASE}?${LABELS}"; then
      STATE="$(header X-Kline-History)"
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
    # Nothing imported, and Prometheus starts now: a later import may fill in everything before this instant.
    RUN=""; FIRST="$(date +%s)"; LAST=0
    save_state
    say "skipped: ${BASE} did not answer within ${HISTORY_WAIT} s"
    return
  fi

  RUN="$(header X-Kline-Ingestor-Run)"; FIRST="${REQUESTED}"; LAST="$(header X-Kline-History-Change)"
  save_state
  SAMPLES="$(samples)"
  if [ "${SAMPLES}" = "0" ]; then
    report empty
    say "nothing to import (history ${STATE}, no samples)"
  elif ! import_body; then
    report failed
    say "failed: ${FAILURE}"
  elif [ "${STATE}" = "complete" ]; then
    report imported
    say "imported ${SAMPLES} samples in $(( $(date +%s) - START )) s"
  else
    report partial
    say "partial: history still ${STATE} after ${HISTORY_WAIT} s; imported the ${SAMPLES} samples served so far"
  fi
}

# Into a running Prometheus: the streams whose history arrived since the last import, before FIRST. Quiet when there
# is nothing new.
later_import() {
  if ! fetch "${BASE}?${LABELS}&after=${LAST:-0}&until=${FIRST}"; then
    [ -z "${UNREACHABLE:-}" ] && say "${BASE} does not answer; trying again every ${HISTORY_FOLLOW_EVERY} s"
    UNREACHABLE=1
    return
  fi
  UNREACHABLE=""
  NOW_RUN="$(header X-Kline-Ingestor-Run)"
  if [ -n "${RUN}" ] && [ "${NOW_RUN}" != "${RUN}" ]; then
    say "the ingestor restarted: the history it reads again covers time this Prometheus already holds and is not imported; only streams it takes on later are"
    SKIPPING=1
  fi
  RUN="${NOW_RUN}"
  if [ -n "${SKIPPING:-}" ]; then
    if [ "$(header X-Kline-History)" = "complete" ]; then
      SKIPPING=""; LAST="$(header X-Kline-History-Change)"
      save_state
    fi
    return
  fi

  SAMPLES="$(samples)"
  if [ "${SAMPLES}" != "0" ]; then
    if import_body; then
      report imported
      say "imported ${SAMPLES} samples of history that arrived later"
    else
      report failed
      say "failed: ${FAILURE}"
    fi
  fi
  LAST="$(header X-Kline-History-Change)"
  save_state
}

# Data a Prometheus wrote before any import by this script (no state file: an installation that had no history). Its
# next start would drop the write-ahead log's samples older than the end of an imported block, and imported samples
# would interleave with the ones it holds: nothing is imported into it, now or later (FIRST=0).
holds_earlier_data() {
  for entry in "${DATA_DIR}"/wal/* "${DATA_DIR}"/*/meta.json; do
    [ -e "${entry}" ] && return 0
  done
  return 1
}

if [ -f "${STATE_FILE}" ]; then
  # shellcheck disable=SC1090 # written by save_state above
  . "${STATE_FILE}"
  # A start on data imported before (a restart): what arrived since. A follower started beside a start step: nothing yet.
  [ "${MODE}" = "start" ] && later_import
elif holds_earlier_data; then
  RUN=""; FIRST=0; LAST=0
  save_state
  say "skipped: ${DATA_DIR} already holds Prometheus data from before history was imported; importing into it would cut its write-ahead log"
else
  first_import
fi

if [ "${MODE}" = "follow" ] && [ "${HISTORY_FOLLOW_EVERY}" != "0" ]; then
  while :; do
    # In the background and waited for, so that a stop signal ends the script at once rather than after the sleep.
    sleep "${HISTORY_FOLLOW_EVERY}" &
    wait $!
    # Started by the container entrypoint, the follower outlives the shell that became Prometheus: it ends with it.
    if [ -n "${FOLLOW_WHILE_PID:-}" ] && ! kill -0 "${FOLLOW_WHILE_PID}" 2>/dev/null; then
      exit 0
    fi
    later_import
  done
fi
exit 0
