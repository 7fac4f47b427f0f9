package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.PullImageRequest;
import jcri.image.testing.ClientCertificateMirror;
import jcri.image.testing.ForwardProxy;
import jcri.image.testing.RegistryFixture;
import jcri.image.testing.TestCertificates;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.Test;

/**
 * How a jcrid of the spec's own reaches registries: through the proxy of its environment, with the node's auth file, and
 * through the mirror a containerd {@code hosts.toml} names.
 */
class RegistryAccessSpec {
    private static String pull(CriClient cri, String reference) {
        return cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build()).getImageRef();
    }

    /** Pulls with the released crictl, which brings no credentials (as an operator's or a pinned image's pull); the image's id. */
    private static String crictlPull(JcridProcess jcrid, String reference) throws Exception {
        var pulled = Crictl.runAt(jcrid.endpoint(), Duration.ofSeconds(90), "pull", reference);
        assertEquals(0, pulled.exit(), pulled.toString());
        return pulled.stdout().strip().replaceFirst("^Image is up to date for ", "");
    }

    @Test
    void pullsThroughTheHttpProxyOfItsEnvironment() throws Exception {
        var built = TestImages.busyboxBuilder().label("spec", "proxied").build();
        TestRegistry.push("critest/proxied", "v1", built);
        var port = Integer.parseInt(TestRegistry.get().host().substring(TestRegistry.get().host().lastIndexOf(':') + 1));
        // only the proxy knows this name (it sends it to the loopback registry), so a pull can only succeed through it
        var domain = "registry.proxied.test:" + port;
        try (var proxy = new ForwardProxy(Map.of("registry.proxied.test", port));
             var jcrid = JcridProcess.start(Scratch.dir("critest-proxy-"),
                     "[images.registries.\"" + domain + "\"]\nplain_http = true\n", Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "example.com"));
             var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(built.id(), crictlPull(jcrid, domain + "/critest/proxied:v1"));
            assertFalse(proxy.requests().isEmpty());
            assertTrue(proxy.requests().stream().allMatch(r -> r.startsWith("GET http://" + domain + "/v2/critest/proxied/")),
                    proxy.requests().toString());
            assertTrue(jcrid.log().contains("registry connections use proxies from the environment: https direct, http 127.0.0.1"),
                    jcrid.log());
            int before = proxy.requests().size();
            assertEquals(built.id(), pull(cri, TestRegistry.push("critest/proxied", "v2", built)), "a loopback registry is reached directly");
            assertEquals(before, proxy.requests().size());
        }
    }

    @Test
    void aProxyItCannotUseStopsTheStartWithTheReason() throws Exception {
        try (var jcrid = JcridProcess.launch(Scratch.dir("critest-badproxy-"), Map.of("HTTPS_PROXY", "socks5://127.0.0.1:1080"))) {
            assertTrue(jcrid.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "jcrid must exit");
            assertEquals(2, jcrid.process().exitValue());
            assertTrue(jcrid.log().contains("jcrid: cannot start: HTTPS_PROXY uses scheme 'socks5': only http:// proxies are supported"),
                    jcrid.log());
        }
    }

    @Test
    void usesTheNodeAuthFileWhenAPullBringsNoCredentials() throws Exception {
        var built = TestImages.busyboxBuilder().label("spec", "auth-file").build();
        var dir = Scratch.dir("critest-authfile-");
        try (var secured = RegistryFixture.startWithBasicAuth(dir.resolve("registry"), "dave", "d4ve-pw")) {
            secured.push("private/app", "v1", built);
            var reference = secured.host() + "/private/app:v1";
            var authFile = dir.resolve("auth.json");
            try (var jcrid = JcridProcess.start(dir.resolve("jcrid"), "[images]\nauth_file = \"" + authFile + "\"\n");
                 var cri = new CriClient(jcrid.endpoint())) {
                var anonymous = assertThrows(StatusRuntimeException.class, () -> pull(cri, reference));
                assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode(), anonymous.getMessage());
                var auth = Base64.getEncoder().encodeToString("dave:d4ve-pw".getBytes(StandardCharsets.UTF_8));
                Files.writeString(authFile, "{\"auths\":{\"" + secured.host() + "\":{\"auth\":\"" + auth + "\"}}}");
                assertEquals(built.id(), crictlPull(jcrid, reference), "the file written after start serves the next pull");
                Files.writeString(authFile, "{\"auths\":");
                var broken = assertThrows(StatusRuntimeException.class, () -> pull(cri, reference + "-missing"));
                assertEquals(Status.Code.FAILED_PRECONDITION, broken.getStatus().getCode(), broken.getMessage());
                assertTrue(broken.getMessage().contains("auth file " + authFile + " (images.auth_file) cannot be read as JSON"),
                        broken.getMessage());
            }
        }
    }

    @Test
    void aHostsTomlMirrorWithAClientCertificateServesThePullAndEditsApplyAtOnce() throws Exception {
        var built = TestImages.busyboxBuilder().label("spec", "hosts-toml").build();
        TestRegistry.push("critest/mirrored", "v1", built);
        var dir = Scratch.dir("critest-certsd-");
        var certs = TestCertificates.create(dir.resolve("pki"));
        // the registry's own server is a loopback port nothing listens on: only the mirror can serve the pull
        var domain = "upstream.test:5000";
        var hostDir = Files.createDirectories(dir.resolve("certs.d").resolve(domain));
        Files.copy(certs.ca(), hostDir.resolve("mirror-ca.pem"));
        try (var mirror = new ClientCertificateMirror(TestRegistry.get().host(), certs);
             var jcrid = JcridProcess.start(dir.resolve("jcrid"), "[images]\nconfig_path = \"" + dir.resolve("certs.d") + "\"\n");
             var cri = new CriClient(jcrid.endpoint())) {
            var hosts = """
                    server = "https://127.0.0.1:1"

                    [host."%s"]
                      capabilities = ["pull", "resolve"]
                      ca = "mirror-ca.pem"
                    """.formatted(mirror.url());
            Files.writeString(hostDir.resolve("hosts.toml"), hosts);
            var reference = domain + "/critest/mirrored:v1";
            var refused = assertThrows(StatusRuntimeException.class, () -> pull(cri, reference));
            assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), "no client certificate: " + refused.getMessage());
            Files.writeString(hostDir.resolve("hosts.toml"), hosts + "  client = [[\"%s\", \"%s\"]]\n"
                    .formatted(certs.clientCertificate(), certs.clientKey()));
            assertEquals(built.id(), crictlPull(jcrid, reference));
            assertTrue(mirror.requests().contains("/v2/critest/mirrored/manifests/v1"), mirror.requests().toString());
        }
    }
}
