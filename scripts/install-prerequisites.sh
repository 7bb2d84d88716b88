#!/usr/bin/env bash
# Makes a Debian/Ubuntu machine ready to run and test the platform without Docker. Idempotent: what is
# already there is left alone. Needs root (or sudo) only for what it must install with apt:
#   - PostgreSQL >= 15 server binaries (no cluster is created or started: ./rag runs its own under .rag/pg)
#   - pgvector >= 0.8 for that PostgreSQL: the apt package when it is new enough, otherwise built from the
#     Debian source package of suite trixie (make && make install with that server's pg_config)
#   - redis-server, chromium and chromedriver, prometheus: for tests (no service of theirs is left running)
# RAG_NO_INSTALL=1: install nothing, only report. A JDK >= 21 is only looked for (JAVA_HOME, then /usr/lib/jvm); the script says how to get one.
# Kafka needs nothing here: ./rag runs a KRaft broker from the Kafka jars on Maven Central.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

SUDO=""
if ! is_root; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; fi
fi
can_install() { [ -z "${RAG_NO_INSTALL:-}" ] && { is_root || [ -n "$SUDO" ]; }; }
apt_updated=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "no apt-get: install $* with this system's package manager"
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o Dpkg::Options::=--force-confold "$@" >/dev/null
}

# --- JDK -------------------------------------------------------------------------------------------
if jdk=$(find_jdk); then
  say "ok   JDK $(java_feature_version "$jdk") at $jdk"
else
  jdk_hint; exit 1
fi

# --- PostgreSQL ------------------------------------------------------------------------------------
if ! pg_bin=$(find_pg_bin); then
  can_install || die "PostgreSQL >= $RAG_MIN_PG is not installed and installing it needs root: run 'sudo $0', \
or install postgresql (>= $RAG_MIN_PG) yourself, or set RAG_PG_BIN to a directory with initdb and pg_ctl."
  say "..   installing PostgreSQL server binaries (apt, without creating a cluster)"
  # ./rag runs its own cluster; keep apt from creating and starting one on 5432.
  $SUDO mkdir -p /etc/postgresql-common
  [ -f /etc/postgresql-common/createcluster.conf ] || \
    printf 'create_main_cluster = false\n' | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
  apt_install postgresql postgresql-contrib
  pg_bin=$(find_pg_bin) || die "PostgreSQL was installed but no server >= $RAG_MIN_PG was found (the OS ships an older one?)"
fi
major=$(pg_major_of "$pg_bin")
say "ok   PostgreSQL $major at $pg_bin"

# The server runs as an unprivileged user; under root that is RAG_PG_OS_USER (default postgres).
if is_root && ! id -u "$(pg_os_user)" >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$(pg_os_user)"
  say "ok   created system user $(pg_os_user) to run PostgreSQL (it refuses to run as root)"
fi

# --- pgvector --------------------------------------------------------------------------------------
have=$(pgvector_version_of "$pg_bin" || true)
if [ -n "$have" ] && version_ge "$have" "$RAG_MIN_PGVECTOR"; then
  say "ok   pgvector $have"
else
  can_install || die "pgvector >= $RAG_MIN_PGVECTOR is not installed for PostgreSQL $major${have:+ (found $have)} \
and installing it needs root: run 'sudo $0'."
  candidate=""
  if command -v apt-cache >/dev/null 2>&1; then
    [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
    candidate=$(apt-cache policy "postgresql-$major-pgvector" 2>/dev/null | sed -n 's/ *Candidate: *\([0-9.]*\).*/\1/p')
  fi
  if [ -n "$candidate" ] && version_ge "$candidate" "$RAG_MIN_PGVECTOR"; then
    say "..   installing postgresql-$major-pgvector $candidate (apt)"
    apt_install "postgresql-$major-pgvector"
  else
    say "..   building pgvector from the Debian source package of suite trixie (no binary >= $RAG_MIN_PGVECTOR for PostgreSQL $major)"
    src_list=/etc/apt/sources.list.d/rag-pgvector-trixie-src.list
    if [ ! -f "$src_list" ]; then
      printf 'deb-src http://deb.debian.org/debian trixie main\n' | $SUDO tee "$src_list" >/dev/null
      apt_updated=""
    fi
    apt_install "postgresql-server-dev-$major" build-essential dpkg-dev
    [ -n "$apt_updated" ] || { $SUDO apt-get update -qq; apt_updated=1; }
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
    log="$build/build.log"
    pg_config="/usr/lib/postgresql/$major/bin/pg_config"
    [ -x "$pg_config" ] || pg_config="$pg_bin/pg_config"
    # OPTFLAGS="" keeps the build portable (pgvector's default is -march=native)
    { (cd "$build" && apt-get source --download-only pgvector && dpkg-source -x ./pgvector_*.dsc src) \
        && make -C "$build/src" PG_CONFIG="$pg_config" OPTFLAGS="" \
        && $SUDO make -C "$build/src" PG_CONFIG="$pg_config" install; } >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; die "building pgvector failed (log above)"; }
  fi
  have=$(pgvector_version_of "$pg_bin" || true)
  [ -n "$have" ] && version_ge "$have" "$RAG_MIN_PGVECTOR" || die "pgvector install finished but version is '${have:-none}'"
  say "ok   pgvector $have (installed)"
fi

# --- small tools ./rag uses -----------------------------------------------------------------------
missing=()
for tool in curl ss runuser; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  if can_install; then
    pkgs=(); for t in "${missing[@]}"; do case $t in curl) pkgs+=(curl);; ss) pkgs+=(iproute2);; runuser) pkgs+=(util-linux);; esac; done
    apt_install "${pkgs[@]}"; say "ok   installed ${pkgs[*]}"
  else
    warn "missing ${missing[*]} (curl, iproute2, util-linux): ./rag works less well without them"
  fi
fi
# --- redis-server for the gateway's Redis rate-limit test -----------------------------------------
# The gateway limits in memory unless spring.data.redis is set; RedisRateLimitIT starts a throwaway redis-server
# from this binary (no service is started or enabled here).
if ! command -v redis-server >/dev/null 2>&1; then
  if can_install; then
    apt_install redis-server
    # the Debian package starts a system service on 6379: the tests never need it running
    if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
    say "ok   installed redis-server"
  else
    warn "redis-server is missing: the gateway's RedisRateLimitIT will fail (sudo apt-get install redis-server)"
  fi
else
  say "ok   redis-server $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
fi
# --- chromium and chromedriver for the gateway's admin console end-to-end test -----------------------
# AdminConsoleE2EIT drives the Debian browser headless through Selenium; no browser is ever downloaded.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if can_install; then
    apt_install chromium chromium-driver
    say "ok   installed chromium and chromium-driver"
  else
    warn "chromium or chromedriver is missing: the gateway's AdminConsoleE2EIT will fail (sudo apt-get install chromium chromium-driver)"
  fi
else
  say "ok   $(chromium --version 2>/dev/null | head -n 1)"
fi
# --- prometheus (promtool) for deploy-tests' PromQL check, and ./rag up --metrics -------------------------------
# PrometheusRulesIT parses the chart's alert and dashboard expressions with promtool; ./rag up --metrics runs the
# server under .rag/prometheus. The Debian package's own service (port 9090) is stopped and disabled.
if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
  if can_install; then
    apt_install --no-install-recommends prometheus
    if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
    if [ -x /etc/init.d/prometheus ]; then $SUDO /etc/init.d/prometheus stop >/dev/null 2>&1 || true; fi
    say "ok   installed prometheus $(prometheus --version 2>&1 | sed -n 's/^prometheus, version \([0-9.]*\).*/\1/p')"
  else
    warn "prometheus is missing: deploy-tests' PrometheusRulesIT will fail and ./rag up --metrics cannot start (sudo apt-get install prometheus)"
  fi
else
  say "ok   prometheus $(prometheus --version 2>&1 | sed -n 's/^prometheus, version \([0-9.]*\).*/\1/p')"
fi
say "ready"
