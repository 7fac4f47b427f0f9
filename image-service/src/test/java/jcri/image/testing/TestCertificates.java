package jcri.image.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, made by Debian's
 * {@code openssl} as PEM files (EC P-256 keys in PKCS#8) in a directory: {@code ca.crt}, {@code server.crt},
 * {@code server.key}, {@code client.crt}, {@code client.key}.
 */
public record TestCertificates(Path dir) {
    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    public Path clientCertificate() {
        return dir.resolve("client.crt");
    }

    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** Makes the files in {@code dir}. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        var ec = List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes");
        openssl(dir, concat(List.of("req", "-x509"), ec, List.of("-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=jcri test CA", "-days", "2")));
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n", StandardCharsets.US_ASCII);
        for (var name : List.of("server", "client")) {
            openssl(dir, concat(List.of("req"), ec, List.of("-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=jcri test " + name)));
            openssl(dir, List.of("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext"));
        }
        return new TestCertificates(dir);
    }

    private static List<String> concat(List<String> a, List<String> b, List<String> c) {
        var all = new java.util.ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }

    private static void openssl(Path dir, List<String> arguments) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(arguments);
        var process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
