# shellcheck shell=bash
# What the scripts start or write on the host (sourced through deploy/lib/jcri.sh; defines functions only).

# jcri_dockerd starts a dockerd when none answers (for the tests that build and run node images):
# without a bridge or firewall rules of its own, as their containers use the host network and the
# suite's pod networking needs the host firewall as it is. It is left running; the cached base
# images live in its /var/lib/docker.
jcri_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  jcri_step "starting dockerd (log: /var/log/jcri-dockerd.log)"
  setsid dockerd --iptables=false --bridge=none </dev/null >>/var/log/jcri-dockerd.log 2>&1 &
  for _ in $(seq 120); do docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  jcri_log "dockerd did not answer: see /var/log/jcri-dockerd.log"
  exit 1
}

# jcri_default_network: the "try it" launch (deploy/bin/jcrid without arguments) on a machine without any
# CNI network configuration gets jcri's bridge network, deploy/cni/10-jcri.conflist copied to
# /etc/cni/net.d (the embedded default cni.conf_dir), and says so. Never on a Kubernetes node: there an
# empty /etc/cni/net.d means its network add-on has not written its configuration yet, and a network of
# jcri's would make the node Ready with pod addresses no other node routes; jcri waits for the add-on's
# file (NetworkReady=false until then; the daemon reads the directory at each pod start). An existing
# configuration, whatever its name, is never touched.
jcri_default_network() {
  local dir=/etc/cni/net.d marker
  if compgen -G "$dir/*.conflist" >/dev/null || compgen -G "$dir/*.conf" >/dev/null || compgen -G "$dir/*.json" >/dev/null; then
    return 0
  fi
  for marker in /etc/kubernetes /var/lib/kubelet /kind /usr/bin/kubelet /usr/local/bin/kubelet; do
    if [ -e "$marker" ]; then
      jcri_log "no CNI network in $dir, and $marker says this is a Kubernetes node: jcri writes none there;" \
        "pods with a network of their own wait for the network add-on's configuration (NetworkReady=false until then)"
      return 0
    fi
  done
  jcri_step "writing the default pod network"
  install -D -m 0644 "$JCRI_HOME/deploy/cni/10-jcri.conflist" "$dir/10-jcri.conflist"
  jcri_log "*** no CNI network was configured: wrote $dir/10-jcri.conflist (bridge jcri0, 10.88.0.0/16," \
    "pods reach out through NAT); it stays until you remove it ***"
}
