# shellcheck shell=bash
# Building the packaged daemon (sourced through deploy/lib/jcri.sh; defines functions only). They use
# JCRI_HOME and JAVA_HOME, which jcri_setup exports.

# jcri_build [mvn args...] rebuilds the packaged daemon when any source is newer than the last build.
jcri_build() {
  local stamp="$JCRI_HOME/deploy/target/jcrid/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$JCRI_HOME" -path "$JCRI_HOME/*/target" -prune -o \
        \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  jcri_step "building jcrid (the first build downloads Maven and the dependencies)"
  (cd "$JCRI_HOME" && ./mvnw -B -q -DskipTests package "$@")
  touch "$stamp"
  jcri_train "$JCRI_HOME/deploy/bin/jcrid" "$JCRI_HOME/deploy/target/jcrid"
}

# jcri_train LAUNCHER DIR: one short run of LAUNCHER (a launcher that runs deploy/lib/jcrid-jvm on DIR) in a
# scratch directory, stopped with SIGTERM, that records the ahead-of-time cache DIR/jcrid.aot the launcher
# then maps (classes loaded and linked: start-up in half the time). The cache holds DIR's paths and JAVA_HOME's
# JDK: a launcher for another DIR or JDK needs a training run of its own.
jcri_train() {
  local launcher=$1 daemon=$2 dir pid
  jcri_step "recording jcrid's ahead-of-time cache for $daemon (a short training run)"
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jcri-train-XXXXXX")
  mkdir -p "$dir/net.d"
  printf 'root = "%s/root"\nstate = "%s/state"\nsocket = "unix://%s/jcri.sock"\n[metrics]\naddress = ""\n[cni]\nconf_dir = "%s/net.d"\n' \
    "$dir" "$dir" "$dir" "$dir" > "$dir/config.toml"
  # not a service: systemd, when it runs the build, must not hear from it
  env -u NOTIFY_SOCKET -u WATCHDOG_USEC -u WATCHDOG_PID JCRI_AOT_TRAINING=1 "$launcher" --config "$dir/config.toml" > "$dir/jcrid.log" 2>&1 &
  pid=$!
  # seconds on a machine, minutes under an emulated CPU (critest/vm)
  for _ in $(seq 3000); do
    [ -S "$dir/jcri.sock" ] || ! kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  # every read-only RPC once, so that the classes answering them are in the cache too
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$daemon/lib/*" \
    jcri.daemon.Probe --all "unix://$dir/jcri.sock" >> "$dir/jcrid.log" 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -f "$daemon/jcrid.aot" ]; then
    rm -rf "$dir"
  else
    jcri_log "no ahead-of-time cache written (see $dir/jcrid.log); jcrid starts without it"
  fi
}

# jcri_maven_args prints, one a line, the Maven flags of critest's scripts: -o unless MAVEN_OFFLINE is set
# to something else than 1, and JCRI_M2 as the local repository when set.
jcri_maven_args() {
  if [ "${MAVEN_OFFLINE:-1}" = 1 ]; then
    echo -o
  fi
  if [ -n "${JCRI_M2:-}" ]; then
    echo "-Dmaven.repo.local=$JCRI_M2"
  fi
}
