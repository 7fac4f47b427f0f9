# shellcheck shell=bash
# The scripts' messages and failure report (sourced through deploy/lib/jcri.sh; defines functions only).

jcri_log() { printf 'jcri-setup: %s\n' "$*" >&2; }

# jcri_step WHAT: says what comes next; a failure from here on is reported as failing in it.
jcri_step() { JCRI_STEP=$*; jcri_log "$*"; }
# jcri_quiet_step WHAT: the same without the message (for the checks that every launch makes).
jcri_quiet_step() { JCRI_STEP=$*; }

# The ERR trap that jcri_setup installs (inherited by functions, set -E): the main shell names the
# failing command; set -e then ends the script with its status.
jcri_failed() {
  local rc=$?
  [ "$BASHPID" = "$$" ] || return "$rc"
  jcri_log "FAILED (exit $rc)${JCRI_STEP:+ while $JCRI_STEP}: $BASH_COMMAND (${BASH_SOURCE[1]}:${BASH_LINENO[0]})"
}
