package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import jcri.api.CriException;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.oci.spec.Spec;

/**
 * {@code mounts} and {@code linux.rootfsPropagation}: the standard kernel file systems, the pod's shm, hosts,
 * resolv.conf and hostname (unless the CRI mounts something there), then the CRI's mounts, each bound with its
 * propagation. A host path that does not exist is made a directory.
 */
final class MountSection {
    private final Function<Path, String> hostPropagation;

    /** The mounts of one container, and the rootfs propagation they need (null: runc's default). */
    record Mounts(List<Spec.Mount> mounts, String rootfsPropagation) {
    }

    /** {@code hostPropagation}: the propagation ({@code shared}, {@code slave}, {@code private}) of the node mount holding a path. */
    MountSection(Function<Path, String> hostPropagation) {
        this.hostPropagation = hostPropagation;
    }

    Mounts of(SpecInput in) throws IOException {
        var c = in.container();
        boolean privileged = c.getLinux().getSecurityContext().getPrivileged();
        var targets = new HashSet<String>();
        c.getMountsList().forEach(m -> targets.add(m.getContainerPath()));
        var mounts = new ArrayList<Spec.Mount>();
        mounts.add(new Spec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
        mounts.add(new Spec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
        mounts.add(new Spec.Mount("/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
        mounts.add(new Spec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
        var rw = privileged ? "rw" : "ro";
        mounts.add(new Spec.Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", rw)));
        mounts.add(new Spec.Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", rw)));
        var files = in.files();
        var shm = files.shm() != null ? files.shm() : Path.of("/dev/shm");
        if (!targets.contains("/dev/shm")) {
            mounts.add(new Spec.Mount("/dev/shm", "bind", shm.toString(), List.of("rbind", "nosuid", "nodev", "noexec")));
        }
        var podFileMode = c.getLinux().getSecurityContext().getReadonlyRootfs() ? "ro" : "rw";
        podFile(mounts, targets, "/etc/hosts", files.hosts(), podFileMode);
        podFile(mounts, targets, "/etc/resolv.conf", files.resolvConf(), podFileMode);
        podFile(mounts, targets, "/etc/hostname", files.hostname(), podFileMode);
        String rootPropagation = null;
        for (Mount m : c.getMountsList()) {
            mounts.add(bind(m, c.getMetadata().getName(), in.runtime()));
            if (m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL) {
                rootPropagation = "rshared";
            } else if (m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER && rootPropagation == null) {
                rootPropagation = "rslave";
            }
        }
        return new Mounts(List.copyOf(mounts), rootPropagation);
    }

    private static void podFile(List<Spec.Mount> mounts, HashSet<String> targets, String destination, Path source, String mode) {
        if (source != null && !targets.contains(destination)) {
            mounts.add(new Spec.Mount(destination, "bind", source.toString(), List.of("rbind", "rprivate", mode)));
        }
    }

    private Spec.Mount bind(Mount m, String container, OciRuntimeFeatures runtime) throws IOException {
        if (m.getContainerPath().isEmpty() || m.getHostPath().isEmpty()) {
            throw CriException.invalid("a mount of container %s lacks its container or host path", container);
        }
        var mode = readOnlyOption(m, runtime);
        var host = Path.of(m.getHostPath());
        if (!host.isAbsolute()) {
            throw CriException.invalid("host path %s of mount %s is not absolute", m.getHostPath(), m.getContainerPath());
        }
        if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(host);
        }
        var source = host.toRealPath();
        requirePropagation(m, source);
        return new Spec.Mount(m.getContainerPath(), "bind", source.toString(),
                List.of("rbind", propagationOption(m.getPropagation()), mode));
    }

    /**
     * {@code rro} (read-only all the way down, mounts below the host path included), {@code ro} or {@code rw}. A
     * recursive read-only mount must be read-only and private, as the CRI says, and needs a runtime that implements it.
     */
    static String readOnlyOption(Mount m, OciRuntimeFeatures runtime) {
        if (!m.getRecursiveReadOnly()) {
            return m.getReadonly() ? "ro" : "rw";
        }
        if (!m.getReadonly()) {
            throw CriException.invalid("mount %s is recursive_read_only but not readonly", m.getContainerPath());
        }
        if (m.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
            throw CriException.invalid("mount %s is recursive_read_only with %s propagation; only private propagation can be",
                    m.getContainerPath(), m.getPropagation());
        }
        if (!runtime.recursiveReadOnly()) {
            throw CriException.invalid("mount %s is recursive_read_only, which the runtime handler's OCI runtime (or this kernel) "
                    + "does not implement", m.getContainerPath());
        }
        return "rro";
    }

    /** The mount option for a CRI propagation. */
    static String propagationOption(MountPropagation propagation) {
        return switch (propagation) {
            case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
            case PROPAGATION_BIDIRECTIONAL -> "rshared";
            default -> "rprivate";
        };
    }

    /** rslave needs a shared or slave host mount, rshared a shared one; otherwise nothing would propagate. */
    private void requirePropagation(Mount m, Path source) {
        if (m.getPropagation() == MountPropagation.PROPAGATION_PRIVATE || m.getPropagation() == MountPropagation.UNRECOGNIZED) {
            return;
        }
        var kind = hostPropagation.apply(source);
        boolean ok = m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL ? kind.equals("shared") : !kind.equals("private");
        if (!ok) {
            throw CriException.failedPrecondition("mount %s asks for %s propagation, but %s is on a %s mount (make it shared: mount --make-rshared)",
                    m.getContainerPath(), m.getPropagation(), source, kind);
        }
    }
}
