package jcri.runtime.container;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolStringList;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;

/**
 * Bounds on a container's command, args and env, checked at CreateContainer, before anything is made:
 * <ul>
 * <li>at most {@value #MAX_ENTRIES} env entries, and as many command and args entries together: above the 40,000
 *     service-link variables of a namespace at Kubernetes' threshold of 5,000 services (runc's start-up time grows
 *     with the square of the env's length: 30,000 entries cost it 6 s on a small node, 100,000 over 30 s);</li>
 * <li>each string (an arg, an env entry {@code key=value}) at most {@value #MAX_STRING} bytes, Linux's
 *     {@code MAX_ARG_STRLEN} less the NUL: exec fails with E2BIG on a longer one;</li>
 * <li>all of them together at most {@value #MAX_TOTAL} bytes counted as exec counts them (each string, its NUL and
 *     an 8-byte pointer): Linux's ceiling for a new program's arguments and environment (3/4 of {@code _STK_LIM}),
 *     whatever the stack limit. The image's entrypoint, cmd and env come on top.</li>
 * </ul>
 */
final class ProcessBounds {
    static final int MAX_ENTRIES = 1 << 16;
    static final int MAX_STRING = (128 << 10) - 1;
    static final long MAX_TOTAL = 6L << 20;
    private static final int POINTER = 8;

    private ProcessBounds() {
    }

    /** Throws INVALID_ARGUMENT naming the first bound {@code config}'s command, args or env is over. */
    static void check(ContainerConfig config) {
        if (config.getEnvsCount() > MAX_ENTRIES) {
            throw CriException.invalid("env has %d entries; at most %d are accepted", config.getEnvsCount(), MAX_ENTRIES);
        }
        int argc = config.getCommandCount() + config.getArgsCount();
        if (argc > MAX_ENTRIES) {
            throw CriException.invalid("command and args have %d entries together; at most %d are accepted", argc, MAX_ENTRIES);
        }
        long total = strings("command", config.getCommandList()) + strings("args", config.getArgsList());
        for (int i = 0; i < config.getEnvsCount(); i++) {
            var env = config.getEnvs(i);
            long length = env.getKeyBytes().size() + 1L + env.getValueBytes().size();
            if (length > MAX_STRING) {
                throw CriException.invalid("env entry %d (%s) is %d bytes as key=value; Linux runs no program with a string "
                        + "over %d", i, shortened(env.getKey()), length, MAX_STRING);
            }
            total += length + 1 + POINTER;
        }
        if (total > MAX_TOTAL) {
            throw CriException.invalid("command, args and env take %d bytes as exec counts them (each string, its NUL and an "
                    + "8-byte pointer); Linux runs no program with more than %d", total, MAX_TOTAL);
        }
    }

    /** Throws INVALID_ARGUMENT when an exec's {@code cmd} has too many entries or too long a string. */
    static void checkCommand(List<String> cmd) {
        if (cmd.size() > MAX_ENTRIES) {
            throw CriException.invalid("cmd has %d entries; at most %d are accepted", cmd.size(), MAX_ENTRIES);
        }
        strings("cmd", cmd);
    }

    /** What {@code list}'s strings take as exec counts them; throws INVALID_ARGUMENT on one over {@link #MAX_STRING}. */
    private static long strings(String field, List<String> list) {
        var bytes = list instanceof ProtocolStringList p ? p.asByteStringList()
                : list.stream().map(ByteString::copyFromUtf8).toList();
        long total = 0;
        for (int i = 0; i < bytes.size(); i++) {
            int length = bytes.get(i).size();
            if (length > MAX_STRING) {
                throw CriException.invalid("%s entry %d is %d bytes; Linux runs no program with a string over %d",
                        field, i, length, MAX_STRING);
            }
            total += length + 1 + POINTER;
        }
        return total;
    }

    private static String shortened(String key) {
        return key.length() <= 40 ? "'" + key + "'" : "'" + key.substring(0, 40) + "…'";
    }
}
