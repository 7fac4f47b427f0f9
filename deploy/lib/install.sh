# shellcheck shell=bash
# Installing the packaged daemon as files (sourced through deploy/lib/jcri.sh; defines functions only).

# jcri_install_daemon PREFIX installs the built daemon (deploy/target/jcrid) so that it starts without this
# source tree, Maven or a package check: PREFIX/lib/jcri holds the jars (lib/), deploy/lib/jcrid-jvm and an
# ahead-of-time cache recorded there for these paths and JAVA_HOME's JDK; PREFIX/bin/jcrid runs them on that
# JDK. An earlier install's files are replaced (new files: a running jcrid keeps the ones it opened).
jcri_install_daemon() {
  local prefix=$1 dir=$1/lib/jcri
  jcri_step "installing jcrid in $dir"
  rm -rf "${dir:?}/lib" "$dir/jcrid.aot"
  mkdir -p "$dir" "$prefix/bin"
  cp -r "$JCRI_HOME/deploy/target/jcrid/lib" "$dir/lib"
  install -m 0755 "$JCRI_HOME/deploy/lib/jcrid-jvm" "$dir/jcrid-jvm"
  cat > "$prefix/bin/jcrid.new" <<LAUNCHER
#!/bin/sh
# jcrid as deploy/bin/install put it in $dir, on the JDK 25 found then. Nothing else is looked for at start:
# install again to update jcrid or change the JDK (the ahead-of-time cache is recorded for this one).
export JAVA_HOME='$JAVA_HOME'
exec '$dir/jcrid-jvm' '$dir' "\$@"
LAUNCHER
  chmod 0755 "$prefix/bin/jcrid.new"
  mv "$prefix/bin/jcrid.new" "$prefix/bin/jcrid"
  jcri_log "installed $prefix/bin/jcrid ($(du -sh "$dir/lib" | cut -f1) of jars, JDK $JAVA_HOME)"
  jcri_train "$prefix/bin/jcrid" "$dir"
}
