#!/usr/bin/env bash
# Nightly chargeback ledger and budget check (crontab: 30 0 * * * /opt/tokenspend/cron.sh).
# The ledger is rewritten atomically under ledger.csv.lock: a reader never sees half a file, two
# jobs never lose each other's rows, and a night the job did not run is filled in by the next.
set -euo pipefail
export TOKENSPEND_PROMETHEUS_URL=http://prometheus:9090
tokenspend export --period day --catch-up --by team,model --output /srv/chargeback/ledger.csv
tokenspend export --period day --catch-up --format focus --billing-account-id acme-llm --output /srv/chargeback/focus.csv
tokenspend budget check --budgets /etc/tokenspend/budgets.yaml --format json --output /srv/chargeback/budgets.json || {
  code=$?
  case $code in
    1) echo "LLM budget breached (see /srv/chargeback/budgets.json)" | mail -s "LLM budget" finops@example.com ;;
    *) echo "tokenspend budget check failed with exit $code" >&2 ;;
  esac
  exit $code
}
