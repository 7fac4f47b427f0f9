# shellcheck shell=bash
# The runtime under test of upstream-critest and readme-walkthrough (sourced by them; defines functions only,
# with deploy/lib/jcri.sh's): prepare_target builds jcrid and prepares the images' busybox; start_target and
# stop_target run jcri.critest.bench.UpstreamCritestTarget: a registry on 127.0.0.1 with the images upstream
# clients pull, and a runtime mirroring their registries to it. Environment: CRITEST_NET, JCRI_M2, MAVEN_OFFLINE.
# shellcheck source=deploy/lib/jcri.sh
source "${BASH_SOURCE[0]%/*}/../../../deploy/lib/jcri.sh"

# prepare_target HOME WORK: HOME is the checkout, WORK a directory of the caller's. Sets $classpath (critest's
# test classes and their dependencies) and $java, and stops the target on exit.
prepare_target() {
  local maven_flags
  target_home=$1 target_work=$2
  # The images' busybox: Debian's dynamically linked one, whose shell runs commands from PATH as upstream's
  # does (critest's MaskedPaths spec needs that; busybox-static runs its applets in-process). Unpacked here,
  # not installed: it conflicts with busybox-static.
  (cd "$target_work" && { apt-get download busybox >/dev/null 2>&1 || { apt-get update -qq && apt-get download busybox >/dev/null; }; })
  dpkg-deb -x "$target_work"/busybox_*.deb "$target_work/busybox"

  classpath=$("$target_home/critest/bin/test-classpath")
  # the set-up (packages, a JDK 25 as JAVA_HOME for this script too) and the packaged jcrid, as build-jcrid
  # does; its failure report is for the set-up only
  jcri_setup
  mapfile -t maven_flags < <(jcri_maven_args)
  jcri_build "${maven_flags[@]}"
  trap - ERR
  java=${JAVA_HOME:+$JAVA_HOME/bin/}java
  target_pid=''
  trap stop_target EXIT
  trap 'exit 130' INT TERM
}

stop_target() {
  if [ -n "$target_pid" ]; then
    kill -TERM "$target_pid" 2>/dev/null || true
    wait "$target_pid" || true
    target_pid=''
  fi
}

# start_target --jcrid|--containerd: starts the registry and runtime; sets $endpoint.
start_target() {
  local out=$target_work/target${1}.out err=$target_work/target${1}.err
  stop_target
  "$java" --enable-native-access=ALL-UNNAMED -Djcri.home="$target_home" -Dcritest.net="${CRITEST_NET:-0}" \
    -Dupstream.busybox="$target_work/busybox/bin/busybox" -cp "$classpath" \
    jcri.critest.bench.UpstreamCritestTarget "$1" > "$out" 2> "$err" &
  target_pid=$!
  for _ in $(seq 600); do
    grep -qx ready "$out" && break
    if ! kill -0 "$target_pid" 2>/dev/null; then
      cat "$err" >&2
      echo "the registry/runtime helper ($1) exited before it was ready" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -qx ready "$out" || { cat "$err" >&2; echo "registry/runtime helper ($1) not ready after 300 s" >&2; exit 1; }
  # shellcheck disable=SC2034 # read by the scripts that source this file
  endpoint=$(sed -n 's/^endpoint //p' "$out")
}
