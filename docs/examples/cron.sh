#!/usr/bin/env bash
# Nightly chargeback export and budget check (crontab: 15 0 * * * /opt/tokenspend/cron.sh).
# Files are written atomically: a reader never sees half a CSV.
set -euo pipefail
export TOKENSPEND_PROMETHEUS_URL=http://prometheus:9090
day=$(date -u -d yesterday +%F)
tokenspend report --window yesterday --step 1h --by team,model --format csv --output "/srv/chargeback/$day.csv"
tokenspend budget check --budgets /etc/tokenspend/budgets.yaml --format json --output /srv/chargeback/budgets.json || {
  code=$?
  case $code in
    1) echo "LLM budget breached (see /srv/chargeback/budgets.json)" | mail -s "LLM budget" finops@example.com ;;
    *) echo "tokenspend budget check failed with exit $code" >&2 ;;
  esac
  exit $code
}
