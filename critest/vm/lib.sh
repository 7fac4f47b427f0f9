# shellcheck shell=bash disable=SC2034
# Sourced by critest/vm/{build-image,vm,check-node}: shared paths, the image's cache key and logging.
# Environment: JCRI_VM_CACHE (default /var/cache/jcri-vm), JCRI_VM_RUN (default /tmp/jcri-vm, one VM).
vm_dir=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
vm_cache=${JCRI_VM_CACHE:-/var/cache/jcri-vm}
vm_run=${JCRI_VM_RUN:-/tmp/jcri-vm}
vm_jdk=/usr/lib/jvm/temurin-25-jdk-amd64

vm_log() { printf '[vm %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
vm_die() { vm_log "ERROR: $*"; exit 1; }

# vm_key: the image's cache key, a hash of what the image is made of: the build script, this library,
# the package list and the JDK copied in (its release file names the exact build).
vm_key() {
  cat "$vm_dir/build-image" "$vm_dir/lib.sh" "$vm_dir/packages" "$vm_jdk/release" | sha256sum | cut -c1-16
}

# vm_image_dir: where the image for the current key lives (base.qcow2, vmlinuz, initrd.img, id_ed25519).
vm_image_dir() { echo "$vm_cache/$(vm_key)"; }

# vm_apt_install PKG...: installs host packages that are missing (other processes may hold apt's lock).
vm_apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  vm_log "installing on the host: ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=900 -qq update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends "${missing[@]}" >/dev/null
}
