# shellcheck shell=bash
# Finding a JDK 25 (sourced through deploy/lib/jcri.sh; defines functions only).

# A JDK 25 or newer: JAVA_HOME, then /usr/lib/jvm, then the distribution's package.
# The JDK's release file says its version without starting a JVM (the launcher runs this on every start).
jcri_java_ok() {
  [ -x "$1/bin/javac" ] || return 1
  if [ -f "$1/release" ]; then
    grep -Eq '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'
  fi
}
jcri_find_java() {
  jcri_quiet_step "finding a JDK 25"
  if [ -n "${JAVA_HOME:-}" ] && jcri_java_ok "$JAVA_HOME"; then return 0; fi
  for dir in /usr/lib/jvm/*; do
    if jcri_java_ok "$dir"; then export JAVA_HOME=$dir; return 0; fi
  done
  if [ "$(id -u)" -eq 0 ] && apt-cache policy openjdk-25-jdk-headless 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    jcri_apt openjdk-25-jdk-headless
    for dir in /usr/lib/jvm/*; do
      if jcri_java_ok "$dir"; then export JAVA_HOME=$dir; return 0; fi
    done
  fi
  jcri_log "no JDK 25 found: install one (e.g. temurin-25-jdk from Adoptium's apt repository, see the README) or set JAVA_HOME"
  exit 1
}
