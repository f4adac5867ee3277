# Private PostgreSQL clusters for running and testing the platform.
# Sourced by ./maac; every function takes the cluster's data folder as its first argument.
#
# PostgreSQL refuses to run as root, so the cluster belongs to an unprivileged OS user
# (MAAC_PG_OS_USER, default `postgres` from Debian's package, created when missing).
# The cluster listens on 127.0.0.1 only, with a Unix socket inside its own folder, and
# authenticates TCP logins with scram-sha-256 (the superuser's password lives in the
# folder's `superuser.password`, readable by root only).

MAAC_PG_OS_USER="${MAAC_PG_OS_USER:-postgres}"

pg_bin_dir() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && { echo "$candidate"; return 0; }
  done
  dirname "$(command -v initdb)"
}

pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$MAAC_PG_OS_USER" -- "$@"
  else
    "$@"
  fi
}

pg_ensure_os_user() {
  [ "$(id -u)" = 0 ] || return 0
  id -u "$MAAC_PG_OS_USER" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --shell /usr/sbin/nologin "$MAAC_PG_OS_USER"
}

# pg_init DIR PORT — creates the cluster in DIR/data unless it exists.
pg_init() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin_dir)"
  [ -f "$dir/data/PG_VERSION" ] && return 0
  pg_ensure_os_user
  mkdir -p "$dir/data" "$dir/run"
  if [ ! -f "$dir/superuser.password" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$dir/superuser.password")
  fi
  local pwfile="$dir/run/initdb.pw"
  cp "$dir/superuser.password" "$pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R "$MAAC_PG_OS_USER" "$dir/data" "$dir/run"; fi
  # The OS user must be able to walk to the folder.
  chmod o+x "$dir" 2>/dev/null || true
  pg_as_owner "$bin/initdb" --pgdata="$dir/data" --username=maac_admin --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=peer --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  rm -f "$pwfile"
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/run'
max_connections = 1000
shared_buffers = 256MB
fsync = ${MAAC_PG_FSYNC:-on}
synchronous_commit = ${MAAC_PG_SYNCHRONOUS_COMMIT:-on}
log_min_messages = warning
EOF
}

# pg_start DIR PORT — starts the cluster (initialising it first) and waits until it answers.
pg_start() {
  local dir="$1" port="$2" bin
  bin="$(pg_bin_dir)"
  pg_init "$dir" "$port" || return 1
  if pg_as_owner "$bin/pg_ctl" --pgdata="$dir/data" status >/dev/null 2>&1; then return 0; fi
  # Every test suite runs its services' pools at once: an older cluster gets today's limit.
  pg_as_owner sed -i "s/^max_connections = .*/max_connections = 1000/" "$dir/data/postgresql.conf"
  # The port of this start becomes the cluster's (a later `pg_ctl start/restart` keeps it).
  # (A cluster made by an older version of this script has no port line yet: add one.)
  if grep -q '^port = ' "$dir/data/postgresql.conf"; then
    pg_as_owner sed -i "s/^port = .*/port = $port/" "$dir/data/postgresql.conf"
  else
    pg_as_owner sh -c "echo 'port = $port' >> '$dir/data/postgresql.conf'"
  fi
  rm -f "$dir/run/postgres.log"
  pg_as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/run/postgres.log" --wait \
    --timeout=60 start >/dev/null || { cat "$dir/run/postgres.log" >&2; return 1; }
}

pg_stop() {
  local dir="$1" bin
  bin="$(pg_bin_dir)"
  [ -f "$dir/data/PG_VERSION" ] || return 0
  pg_as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null 2>&1 || true
}

# pg_admin_url DIR PORT — the superuser's connection URL.
pg_admin_url() {
  local dir="$1" port="$2"
  echo "postgresql://maac_admin:$(cat "$dir/superuser.password")@127.0.0.1:$port/postgres"
}

# pg_admin_psql DIR PORT ARGS... — psql as the superuser.
pg_admin_psql() {
  local dir="$1" port="$2"; shift 2
  PGPASSWORD="$(cat "$dir/superuser.password")" psql -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U maac_admin -d postgres "$@"
}
