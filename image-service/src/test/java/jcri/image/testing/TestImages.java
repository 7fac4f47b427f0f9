package jcri.image.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jcri.image.oci.MediaTypes.Compression;

/** Ready-made test images built from this machine's static busybox. */
public final class TestImages {
    private static final String[] APPLETS = {"sh", "ls", "cat", "echo", "sleep", "id", "top", "ps", "httpd", "nc", "wget",
            "true", "false", "env", "mkdir", "touch", "hostname", "grep", "test", "kill", "stat", "head", "tail", "wc",
            "mount", "ip", "ifconfig", "whoami", "yes", "dd", "rm", "ln", "chmod", "date", "uname", "printf", "seq", "md5sum"};

    private TestImages() {
    }

    /**
     * A layer with /bin/busybox (0755), its applets as symlinks, /etc/passwd and /etc/group with root,
     * www (33) and nobody, and the dirs /tmp (1777), /root and /var/www.
     */
    public static LayerBuilder busyboxLayer() {
        byte[] busybox;
        try {
            busybox = Files.readAllBytes(Path.of("/usr/bin/busybox"));
        } catch (IOException e) {
            throw new UncheckedIOException("tests need Debian's busybox-static (/usr/bin/busybox)", e);
        }
        var layer = new LayerBuilder().dir("bin").file("bin/busybox", busybox, 0755);
        for (var applet : APPLETS) {
            layer.symlink("bin/" + applet, "busybox");
        }
        return layer.dir("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/sh\n"
                        + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
                .file("etc/group", "root:x:0:\nwww:x:33:\nnogroup:x:65534:\n")
                .dir("tmp", 01777).dir("root", 0700).dir("var").dir("var/www");
    }

    /** The busybox image builder, for callers that add user, entrypoint or more layers. */
    public static ImageBuilder busyboxBuilder() {
        return ImageBuilder.oci().layer(busyboxLayer(), Compression.GZIP).cmd("sh");
    }

    /** The OCI busybox image (one gzip layer, Cmd ["sh"]). */
    public static ImageBuilder.BuiltImage busybox() {
        return busyboxBuilder().build();
    }
}
