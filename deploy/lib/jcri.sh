# shellcheck shell=bash
# jcri's shell library, shared by deploy/bin, deploy/kind and critest/bin: source it by its path (it finds
# its parts beside it). Sourcing only defines functions; jcri_setup does the set-up.
# shellcheck source=deploy/lib/log.sh
source "${BASH_SOURCE[0]%/*}/log.sh"
# shellcheck source=deploy/lib/packages.sh
source "${BASH_SOURCE[0]%/*}/packages.sh"
# shellcheck source=deploy/lib/java.sh
source "${BASH_SOURCE[0]%/*}/java.sh"
# shellcheck source=deploy/lib/host.sh
source "${BASH_SOURCE[0]%/*}/host.sh"
# shellcheck source=deploy/lib/build.sh
source "${BASH_SOURCE[0]%/*}/build.sh"
# shellcheck source=deploy/lib/install.sh
source "${BASH_SOURCE[0]%/*}/install.sh"

# jcri_setup installs what jcri needs on a Debian/Ubuntu machine (as root) and finds a JDK 25; safe to run
# again. It exports JCRI_HOME (this checkout), JAVA_HOME and PATH (that JDK's bin first), and turns on
# errexit, nounset, pipefail and jcri_failed as the ERR trap (inherited by functions) in the calling
# script: from then on a command that fails ends it with the step, the command and its place.
jcri_setup() {
  local base_packages
  set -eEuo pipefail
  JCRI_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  export JCRI_HOME
  trap jcri_failed ERR
  read -r -a base_packages <<<"$(jcri_base_packages)"
  jcri_apt "${base_packages[@]}"
  jcri_find_java
  export PATH="$JAVA_HOME/bin:$PATH"
}
