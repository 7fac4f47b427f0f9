package jcri.runtime.cdi;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the CDI specification requires of a spec file: a known {@code cdiVersion} no older than the fields it uses
 * need, a {@code vendor/class} kind, at least one device, valid and distinct device names, each device with edits,
 * and well-formed edits.
 */
final class CdiSpecValidator {
    /** The spec versions jcri reads, oldest first. */
    static final List<String> VERSIONS = List.of("0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0", "1.0.0", "1.1.0");
    static final Set<String> HOOK_NAMES = Set.of("prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop");

    private CdiSpecValidator() {
    }

    /** Throws IllegalArgumentException naming the first thing wrong with {@code spec}. */
    static void validate(CdiSpec spec) {
        if (spec.cdiVersion() == null || spec.kind() == null) {
            throw new IllegalArgumentException("cdiVersion and kind are required");
        }
        int version = VERSIONS.indexOf(spec.cdiVersion().replaceFirst("^v", ""));
        if (version < 0) {
            throw new IllegalArgumentException("cdiVersion '" + spec.cdiVersion() + "' is not one of " + VERSIONS);
        }
        var required = requiredVersion(spec);
        if (version < VERSIONS.indexOf(required)) {
            throw new IllegalArgumentException("the fields used need cdiVersion " + required + " or later, not " + spec.cdiVersion());
        }
        QualifiedName.checkKind(spec.kind());
        if (spec.devices().isEmpty()) {
            throw new IllegalArgumentException("no devices");
        }
        var names = new HashSet<String>();
        for (var d : spec.devices()) {
            if (d.name() == null) {
                throw new IllegalArgumentException("a device has no name");
            }
            QualifiedName.checkDeviceName(d.name());
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("device '" + d.name() + "' is defined twice");
            }
            if (d.containerEdits().isEmpty()) {
                throw new IllegalArgumentException("device '" + d.name() + "' has no container edits");
            }
            check(d.containerEdits(), "device '" + d.name() + "'");
        }
        check(spec.containerEdits(), "containerEdits");
    }

    private static void check(CdiSpec.ContainerEdits edits, String where) {
        edits.env().forEach(e -> checkEnv(e, where));
        for (var n : edits.deviceNodes()) {
            if (n.path() == null || n.path().isEmpty()) {
                throw new IllegalArgumentException(where + ": a device node has no path");
            }
            if (n.type() != null && !List.of("", "b", "c", "u", "p").contains(n.type())) {
                throw new IllegalArgumentException(where + ": device node " + n.path() + " has the invalid type '" + n.type() + "'");
            }
            var p = n.permissions();
            if (p != null && !p.equals("none") && !p.chars().allMatch(c -> "rwm".indexOf(c) >= 0)) {
                throw new IllegalArgumentException(where + ": device node " + n.path() + " has the invalid permissions '" + p + "'");
            }
        }
        for (var m : edits.mounts()) {
            if (m.hostPath() == null || m.hostPath().isEmpty() || m.containerPath() == null || m.containerPath().isEmpty()) {
                throw new IllegalArgumentException(where + ": a mount lacks its hostPath or containerPath");
            }
        }
        for (var h : edits.hooks()) {
            if (!HOOK_NAMES.contains(h.hookName())) {
                throw new IllegalArgumentException(where + ": hook name '" + h.hookName() + "' is not one of " + HOOK_NAMES);
            }
            if (h.path() == null || !h.path().startsWith("/")) {
                throw new IllegalArgumentException(where + ": hook " + h.hookName() + " needs an absolute path");
            }
            if (h.timeout() != null && h.timeout() <= 0) {
                throw new IllegalArgumentException(where + ": hook " + h.path() + " has a timeout of " + h.timeout() + " s");
            }
            h.env().forEach(e -> checkEnv(e, where + ": hook " + h.path()));
        }
        for (long gid : edits.additionalGids()) {
            if (gid < 0 || gid > 0xffff_ffffL) {
                throw new IllegalArgumentException(where + ": additional gid " + gid + " is out of range");
            }
        }
    }

    private static void checkEnv(String e, String where) {
        if (e == null || e.indexOf('=') <= 0) {
            throw new IllegalArgumentException(where + ": environment entry '" + e + "' is not NAME=value");
        }
    }

    /** The oldest version that has every field {@code spec} uses. */
    private static String requiredVersion(CdiSpec spec) {
        var edits = Stream.concat(Stream.of(spec.containerEdits()), spec.devices().stream().map(CdiSpec.Device::containerEdits)).toList();
        if (edits.stream().anyMatch(e -> !e.additionalGids().isEmpty())) {
            return "0.7.0";
        }
        if (!spec.annotations().isEmpty() || spec.devices().stream().anyMatch(d -> !d.annotations().isEmpty())
                || spec.kind().substring(spec.kind().indexOf('/') + 1).contains(".")) {
            return "0.6.0";
        }
        if (spec.devices().stream().anyMatch(d -> d.name() != null && !d.name().isEmpty() && Character.isDigit(d.name().charAt(0)))
                || edits.stream().flatMap(e -> e.deviceNodes().stream()).anyMatch(n -> n.hostPath() != null && !n.hostPath().isEmpty())) {
            return "0.5.0";
        }
        if (edits.stream().flatMap(e -> e.mounts().stream()).anyMatch(m -> m.type() != null && !m.type().isEmpty())) {
            return "0.4.0";
        }
        return "0.3.0";
    }
}
