package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jcri.api.v1.DNSConfig;
import jcri.linux.LinuxCalls;
import jcri.runtime.oci.PodFiles;
import jcri.snapshot.MountTable;

/**
 * Writes a pod's {@code hostname}, {@code hosts} and {@code resolv.conf} and mounts its
 * {@code /dev/shm} tmpfs, all under the pod's state dir, for every container to bind-mount.
 */
public final class PodFilesWriter {
    private static final Path HOST_RESOLV = Path.of("/etc/resolv.conf");
    private static final long DEFAULT_SHM_BYTES = 64L << 20;

    /** Writes the files; {@code shm} false for a pod that uses the host's IPC namespace (and /dev/shm). */
    public PodFiles write(Path dir, String hostname, DNSConfig dns, String podIp, boolean shm) throws IOException {
        Files.createDirectories(dir);
        var hostnameFile = dir.resolve("hostname");
        Files.writeString(hostnameFile, hostname + "\n");
        var hosts = dir.resolve("hosts");
        Files.writeString(hosts, hostsFile(hostname, podIp));
        var resolv = dir.resolve("resolv.conf");
        Files.writeString(resolv, resolvConf(dns));
        Path shmDir = null;
        if (shm) {
            shmDir = dir.resolve("shm");
            Files.createDirectories(shmDir);
            if (!MountTable.isMountPoint(shmDir)) {
                LinuxCalls.mount("shm", shmDir.toString(), "tmpfs",
                        LinuxCalls.MS_NOSUID | LinuxCalls.MS_NODEV | LinuxCalls.MS_NOEXEC,
                        "mode=1777,size=" + DEFAULT_SHM_BYTES);
            }
        }
        return new PodFiles(hostnameFile, resolv, hosts, shmDir);
    }

    /** The files a pod would have in {@code dir}, for a pod found again after a restart. */
    public PodFiles existing(Path dir, boolean shm) {
        return new PodFiles(dir.resolve("hostname"), dir.resolve("resolv.conf"), dir.resolve("hosts"), shm ? dir.resolve("shm") : null);
    }

    /** Rewrites {@code /etc/hosts} once the pod IP is known. */
    public void updateHosts(PodFiles files, String hostname, String podIp) throws IOException {
        Files.writeString(files.hosts(), hostsFile(hostname, podIp));
    }

    /** Unmounts /dev/shm; the directory itself goes with the pod's dir. */
    public void release(Path dir) {
        MountTable.unmount(dir.resolve("shm"));
    }

    static String hostsFile(String hostname, String podIp) {
        var out = new StringBuilder("""
                127.0.0.1\tlocalhost
                ::1\tlocalhost ip6-localhost ip6-loopback
                fe00::0\tip6-localnet
                fe00::0\tip6-mcastprefix
                fe00::1\tip6-allnodes
                fe00::2\tip6-allrouters
                """);
        if (!podIp.isEmpty()) {
            out.append(podIp).append('\t').append(hostname).append('\n');
        }
        return out.toString();
    }

    static String resolvConf(DNSConfig dns) throws IOException {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            return Files.exists(HOST_RESOLV) ? Files.readString(HOST_RESOLV) : "";
        }
        var out = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            out.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (var server : dns.getServersList()) {
            out.append("nameserver ").append(server).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            out.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return out.toString();
    }
}
