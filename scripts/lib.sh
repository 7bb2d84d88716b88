# Shared helpers for ./rag and the scripts. Source it; it defines functions only.
# shellcheck shell=bash

RAG_MIN_JAVA=21
RAG_MIN_PG=15
RAG_MIN_PGVECTOR=0.8

say()  { printf '%s\n' "$*"; }
warn() { printf 'rag: %s\n' "$*" >&2; }
die()  { printf 'rag: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Prints the feature version of the java in $1 (a JDK home), or nothing.
java_feature_version() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

# Prints a JDK home >= RAG_MIN_JAVA: JAVA_HOME first, then the newest JDK the OS has installed.
find_jdk() {
  local v best="" best_v=0 home
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(java_feature_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$RAG_MIN_JAVA" ]; then printf '%s\n' "$JAVA_HOME"; return 0; fi
  fi
  # RAG_JDK_DIRS (space-separated globs) replaces the usual places
  for home in ${RAG_JDK_DIRS:-/usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* ${HOME:-/root}/.sdkman/candidates/java/*}; do
    [ -d "$home" ] && [ ! -L "$home" ] || continue
    v=$(java_feature_version "$home")
    if [ -n "$v" ] && [ "$v" -ge "$RAG_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then best=$home; best_v=$v; fi
  done
  if [ -z "$best" ] && [ -z "${RAG_JDK_DIRS:-}" ] && command -v javac >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    v=$(java_feature_version "$home")
    if [ -n "$v" ] && [ "$v" -ge "$RAG_MIN_JAVA" ]; then best=$home; fi
  fi
  [ -n "$best" ] && printf '%s\n' "$best"
}

jdk_hint() {
  cat >&2 <<TXT
rag: no JDK >= $RAG_MIN_JAVA found (looked at JAVA_HOME${JAVA_HOME:+=$JAVA_HOME}, /usr/lib/jvm, /usr/java, /opt/java, sdkman).
  Install one, then run again (or set JAVA_HOME to it):
    Debian 13 / Ubuntu 24.04:  sudo apt-get install openjdk-21-jdk-headless
    Debian 12:                 a Temurin 21+ JDK (https://adoptium.net/installation/linux) or sdk install java 21-tem
TXT
}

# Prints the bin directory of the newest PostgreSQL >= RAG_MIN_PG (RAG_PG_BIN wins), or nothing.
find_pg_bin() {
  local d v best="" best_v=0
  # RAG_PG_DIRS (space-separated globs) replaces the usual places
  for d in ${RAG_PG_BIN:-} ${RAG_PG_DIRS:-/usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin}; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || continue
    v=$("$d/initdb" --version 2>/dev/null | sed -n 's/.*(PostgreSQL) \([0-9]*\).*/\1/p')
    [ -n "$v" ] || continue
    if [ -n "${RAG_PG_BIN:-}" ] && [ "$d" = "$RAG_PG_BIN" ] && [ "$v" -ge "$RAG_MIN_PG" ]; then printf '%s\n' "$d"; return 0; fi
    if [ "$v" -ge "$RAG_MIN_PG" ] && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

pg_major_of() { "$1/initdb" --version | sed -n 's/.*(PostgreSQL) \([0-9]*\).*/\1/p'; }

# The share directory of the PostgreSQL whose binaries are in $1.
pg_sharedir_of() {
  if [ -x "$1/pg_config" ]; then "$1/pg_config" --sharedir; return; fi
  local major; major=$(pg_major_of "$1")
  if [ -d "/usr/share/postgresql/$major" ]; then printf '/usr/share/postgresql/%s\n' "$major"
  else printf '%s/share\n' "$(dirname "$1")"; fi
}

# Prints the pgvector version installed for the PostgreSQL in $1, or nothing.
pgvector_version_of() {
  local control; control="$(pg_sharedir_of "$1")/extension/vector.control"
  [ -f "$control" ] && sed -n "s/^default_version *= *'\(.*\)'.*/\1/p" "$control"
}

# version_ge A B: true when dotted version A >= B.
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# Who runs PostgreSQL: it refuses root, so root delegates to RAG_PG_OS_USER (default postgres).
pg_os_user() {
  if is_root; then printf '%s\n' "${RAG_PG_OS_USER:-postgres}"; else id -un; fi
}

as_pg_user() {
  if is_root; then runuser -u "$(pg_os_user)" -- "$@"; else "$@"; fi
}

# port_in_use PORT: whether something listens on it, asked of ss when it is there. A probe connection to a port in
# the ephemeral range (32768-60999, where 55432 lies) with nothing listening can connect to itself (TCP simultaneous
# open), look taken, and leave a TIME-WAIT that then stops PostgreSQL from binding it.
port_in_use() {
  if command -v ss >/dev/null 2>&1; then
    [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# port_owner PORT: prints "pid/command" listening on 127.0.0.1:PORT or *:PORT, or nothing when free.
port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/pid \2 \1/p' | head -n1
  fi
}
