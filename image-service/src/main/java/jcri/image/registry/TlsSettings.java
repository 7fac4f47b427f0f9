package jcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How to speak TLS to one registry endpoint: trust any certificate, or the JDK's CAs plus {@code caFiles} (PEM);
 * present the first of {@code clients} when the server asks for a certificate.
 */
public record TlsSettings(boolean skipVerify, List<String> caFiles, List<ClientCertificate> clients) {
    public static final TlsSettings DEFAULT = new TlsSettings(false, List.of(), List.of());

    /** A client certificate chain (PEM) and its unencrypted PKCS#8 private key (PEM, {@code BEGIN PRIVATE KEY}). */
    public record ClientCertificate(String certificateFile, String keyFile) {
    }

    public TlsSettings {
        caFiles = List.copyOf(caFiles);
        clients = List.copyOf(clients);
    }

    /** The modification times of the files these settings read, so a caller can tell when they were replaced. */
    List<String> fileStamps() {
        var files = new java.util.ArrayList<>(caFiles);
        clients.forEach(c -> {
            files.add(c.certificateFile());
            files.add(c.keyFile());
        });
        return files.stream().map(TlsSettings::stamp).toList();
    }

    private static String stamp(String file) {
        try {
            return Files.getLastModifiedTime(Path.of(file)).toString();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /** Builds the context; an unreadable file is an {@link UncheckedIOException} naming it. */
    public SSLContext context() {
        try {
            if (!skipVerify && caFiles.isEmpty() && clients.isEmpty()) {
                return SSLContext.getDefault();
            }
            var context = SSLContext.getInstance("TLS");
            context.init(clients.isEmpty() ? null : keyManagers(clients.getFirst()),
                    skipVerify ? new TrustManager[] {new TrustAll()} : trustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for a registry: " + e.getMessage(), e);
        }
    }

    private TrustManager[] trustManagers() throws GeneralSecurityException {
        if (caFiles.isEmpty()) {
            return null;
        }
        var store = emptyStore();
        var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        int n = 0;
        for (var tm : defaults.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (var cert : x509.getAcceptedIssuers()) {
                    store.setCertificateEntry("default-" + n++, cert);
                }
            }
        }
        for (var file : caFiles) {
            for (var cert : certificates(file, "CA file")) {
                store.setCertificateEntry("ca-" + n++, cert);
            }
        }
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static javax.net.ssl.KeyManager[] keyManagers(ClientCertificate client) throws GeneralSecurityException {
        var chain = certificates(client.certificateFile(), "client certificate").toArray(Certificate[]::new);
        var store = emptyStore();
        store.setKeyEntry("client", privateKey(client.keyFile()), new char[0], chain);
        var factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return factory.getKeyManagers();
    }

    private static PrivateKey privateKey(String file) throws GeneralSecurityException {
        String pem;
        try {
            pem = Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read client key " + file, e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("client key " + file + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
        }
        var der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        for (var algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (java.security.spec.InvalidKeySpecException notThisOne) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("client key " + file + " is neither an RSA, EC nor Ed25519 key");
    }

    private static List<X509Certificate> certificates(String file, String what) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream().map(c -> (X509Certificate) c).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file, e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        try {
            var store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            return store;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts every certificate: only for hosts configured to skip verification. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
