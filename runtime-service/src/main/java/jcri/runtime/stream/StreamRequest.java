package jcri.runtime.stream;

import java.util.List;

/** What a streaming URL was issued for: the CRI request, kept until the client connects. */
public sealed interface StreamRequest {
    /** The URL path segment for this kind of request. */
    String kind();

    /** Which of the process's streams the client wants, and whether it has a terminal. */
    record Stdio(boolean tty, boolean stdin, boolean stdout, boolean stderr) {
    }

    record Exec(String containerId, List<String> cmd, Stdio stdio) implements StreamRequest {
        public Exec {
            cmd = List.copyOf(cmd);
        }

        @Override
        public String kind() {
            return "exec";
        }
    }

    record Attach(String containerId, Stdio stdio) implements StreamRequest {
        @Override
        public String kind() {
            return "attach";
        }
    }

    /** {@code ports} may be empty: the client names the ports (SPDY headers or WebSocket query). */
    record PortForward(String podId, List<Integer> ports) implements StreamRequest {
        public PortForward {
            ports = List.copyOf(ports);
        }

        @Override
        public String kind() {
            return "portforward";
        }
    }
}
