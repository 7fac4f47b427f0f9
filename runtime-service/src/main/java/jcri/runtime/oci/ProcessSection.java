package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;
import jcri.api.v1.SupplementalGroupsPolicy;
import jcri.runtime.oci.spec.Process;

/**
 * {@code process}: args (Kubernetes' command/args rule over the image's entrypoint/cmd), env (a default PATH and
 * HOSTNAME, then the image's, then the CRI's), cwd, user (from the security context, else the image, resolved in
 * the rootfs), capabilities, no_new_privs, oom score (never below jcrid's own) and AppArmor profile.
 */
final class ProcessSection {
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final int ownOomScoreAdj;
    private final boolean apparmor;

    /** {@code apparmor}: whether the node has AppArmor (else no profile is named). */
    ProcessSection(int ownOomScoreAdj, boolean apparmor) {
        this.ownOomScoreAdj = ownOomScoreAdj;
        this.apparmor = apparmor;
    }

    /** The process of the container {@code in} describes, holding {@code caps}. */
    Process of(SpecInput in, List<String> caps) {
        var c = in.container();
        var security = c.getLinux().getSecurityContext();
        var ids = user(in);
        var groups = new LinkedHashSet<Long>();
        if (security.getSupplementalGroupsPolicy() != SupplementalGroupsPolicy.Strict) {
            groups.addAll(ids.additionalGids()); // Merge: the image's /etc/group memberships too
        }
        groups.addAll(security.getSupplementalGroupsList());
        var user = new Process.User(ids.uid(), ids.gid(), groups.isEmpty() ? null : List.copyOf(groups));
        var args = args(c, in.image().entrypoint(), in.image().cmd());
        var cwd = !c.getWorkingDir().isEmpty() ? c.getWorkingDir() : !in.image().workingDir().isEmpty() ? in.image().workingDir() : "/";
        var capabilities = new Process.Capabilities(caps, caps, caps, ids.uid() == 0 ? List.of() : null);
        long oom = Math.max(c.getLinux().getResources().getOomScoreAdj(), ownOomScoreAdj);
        return new Process(c.getTty(), user, args, env(in), cwd, capabilities, security.getNoNewPrivs(), oom, apparmorProfile(security));
    }

    /**
     * The AppArmor profile a localhost request names (the {@code apparmor} field, else the deprecated
     * {@code apparmor_profile}); null for the runtime default or unconfined. A profile on a node without AppArmor is
     * FAILED_PRECONDITION: running the container unconfined would drop the confinement without a word.
     */
    private String apparmorProfile(LinuxContainerSecurityContext security) {
        String ref;
        if (security.hasApparmor()) {
            ref = security.getApparmor().getProfileType() == SecurityProfile.ProfileType.Localhost
                    ? security.getApparmor().getLocalhostRef() : "";
        } else {
            ref = security.getApparmorProfile().startsWith("localhost/") ? security.getApparmorProfile() : "";
        }
        if (ref.isEmpty()) {
            return null;
        }
        if (!apparmor) {
            throw CriException.failedPrecondition("AppArmor profile %s was asked for, but this node has no AppArmor", ref);
        }
        return ref.replaceFirst("^localhost/", "");
    }

    /**
     * The user: run_as_user, else run_as_username (either with run_as_group), else the image's; a group alone is
     * refused, as containerd and CRI-O do (the kubelet always names the user, from the pod or the image, when it
     * sends a group).
     */
    static UserResolver.Ids user(SpecInput in) {
        var security = in.container().getLinux().getSecurityContext();
        var resolver = new UserResolver(in.rootfs());
        var group = security.hasRunAsGroup() ? String.valueOf(security.getRunAsGroup().getValue()) : "";
        if (security.hasRunAsUser()) {
            return resolver.resolve(String.valueOf(security.getRunAsUser().getValue()), group);
        }
        if (!security.getRunAsUsername().isEmpty()) {
            return resolver.resolve(security.getRunAsUsername(), group);
        }
        if (!group.isEmpty()) {
            throw CriException.invalid("run_as_group %s is set without run_as_user or run_as_username", group);
        }
        return resolver.resolveImageUser(in.image().user());
    }

    /** Kubernetes' rule: command replaces the entrypoint (and drops the image's cmd); args replace cmd. */
    static List<String> args(ContainerConfig c, List<String> entrypoint, List<String> cmd) {
        var out = new ArrayList<String>();
        if (c.getCommandCount() > 0) {
            out.addAll(c.getCommandList());
            out.addAll(c.getArgsList());
        } else {
            out.addAll(entrypoint);
            out.addAll(c.getArgsCount() > 0 ? c.getArgsList() : cmd);
        }
        if (out.isEmpty()) {
            throw CriException.invalid("container %s has no command: neither the config nor the image gives one",
                    c.getMetadata().getName());
        }
        return List.copyOf(out);
    }

    /** {@code KEY=value} entries, a later one replacing an earlier one of the same key in its place. */
    static List<String> env(SpecInput in) {
        var env = new LinkedHashMap<String, String>();
        for (var e : List.of(PATH, "HOSTNAME=" + hostname(in))) {
            env.put(e.substring(0, e.indexOf('=')), e);
        }
        for (var e : in.image().env()) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), e);
        }
        for (var kv : in.container().getEnvsList()) {
            env.put(kv.getKey(), kv.getKey() + "=" + kv.getValue());
        }
        return List.copyOf(env.values());
    }

    private static String hostname(SpecInput in) {
        try {
            return in.files().hostname() != null && Files.exists(in.files().hostname())
                    ? Files.readString(in.files().hostname()).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
