package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * jcrid forced onto netty's NIO transport ({@code -Djcri.transport=nio}, what a node without a loadable epoll library
 * gets): the CRI socket and the streaming server serve the basics.
 */
class NioTransportSpec {
    @Test
    void theBasicsWorkOverNio() throws Exception {
        Assumptions.assumeFalse(Target.external(), "starts a jcrid of its own");
        var dir = Scratch.dir("critest-nio-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        try (var jcrid = JcridProcess.startWithJvmOptions(dir, List.of("-Djcri.transport=nio"));
             var cri = new CriClient(jcrid.endpoint())) {
            assertTrue(jcrid.log().contains("transport: nio (-Djcri.transport=nio)"), jcrid.log());
            assertFalse(Files.readString(Path.of("/proc", String.valueOf(jcrid.process().pid()), "maps"))
                    .contains("netty_transport_native_epoll"), "the native library is not loaded");
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());

            var pod = Pods.config("nio").build();
            var podId = Pods.run(cri, pod);
            try {
                var container = Pods.start(cri, podId, pod, Pods.shell(cri, "idle", "exec sleep 100000").build());
                var sync = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container)
                        .addAllCmd(List.of("echo", "over-nio")).setTimeout(30).build());
                assertEquals(0, sync.getExitCode());
                assertEquals(ByteString.copyFromUtf8("over-nio\n"), sync.getStdout());

                var url = cri.runtime().exec(ExecRequest.newBuilder().setContainerId(container).addAllCmd(List.of("cat"))
                        .setStdin(true).setStdout(true).build()).getUrl();
                try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
                    var error = client.open("error");
                    var stdin = client.open("stdin");
                    var stdout = client.open("stdout");
                    stdin.write("streamed\n");
                    stdin.close();
                    assertEquals("streamed\n", stdout.received.untilEnd(ExecStreamSpec.WAIT));
                    assertEquals("Success", ExecStreamSpec.status(error.received).path("status").asText());
                }
            } finally {
                Pods.destroy(cri, podId);
            }
        }
    }
}
