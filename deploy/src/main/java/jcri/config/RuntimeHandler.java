package jcri.config;

/**
 * One OCI runtime a pod may ask for by handler name.
 *
 * @param path the runtime binary (runc-compatible command line)
 * @param root the runtime's state root; empty means {@code <state>/runtime/<handler>}
 */
public record RuntimeHandler(String path, String root) {
    public RuntimeHandler {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path of a runtime handler must be set");
        }
        root = root == null ? "" : root;
    }
}
