# shellcheck shell=bash
# Debian packages (sourced through deploy/lib/jcri.sh; defines functions only).

# jcri_base_packages prints the packages every jcri machine needs: jcri_setup installs them, and
# deploy/kind/build-base puts them into the kind node's base image.
jcri_base_packages() {
  echo ca-certificates curl unzip runc conmon containernetworking-plugins iproute2 iptables util-linux hostname tini
}

# jcri_apt PKG... installs the Debian packages that are not installed yet.
jcri_apt() {
  local installed missing=()
  jcri_quiet_step "checking the installed packages"
  # One dpkg-query for all of them: the launcher runs this on every start.
  # dpkg-query exits 1 when any of them is unknown: that is the case being asked about, not an error.
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
  for pkg in "$@"; do
    grep -qx -- "$pkg" <<<"$installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    jcri_log "missing packages: ${missing[*]}; run as root or install them first"
    exit 1
  fi
  if [ -z "${JCRI_APT_UPDATED:-}" ]; then
    jcri_step "apt-get update"
    apt-get update -qq
    export JCRI_APT_UPDATED=1
  fi
  jcri_step "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
