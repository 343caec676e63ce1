#!/bin/bash
# Creates the read-only account Grafana uses (the ClickHouse image runs this
# once, on an empty data volume, as the writer it was given).
set -euo pipefail
clickhouse client --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --param_pw="$KAIZEN_CLICKHOUSE_READER_PASSWORD" --multiquery <<'SQL'
CREATE USER IF NOT EXISTS kaizen_reader IDENTIFIED WITH sha256_password BY {pw:String} SETTINGS readonly = 1;
GRANT SELECT ON kaizen.* TO kaizen_reader;
SQL
