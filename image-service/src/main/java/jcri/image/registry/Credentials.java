package jcri.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import jcri.api.CriException;

/**
 * What a pull may present to a registry, from the CRI {@code AuthConfig}: a user name and password
 * (also given Docker-style as base64 {@code auth}), an identity (refresh) token, or a ready bearer
 * registry token. All empty means anonymous.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {
    public static final Credentials ANONYMOUS = new Credentials("", "", "", "");

    public Credentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
        registryToken = registryToken == null ? "" : registryToken;
    }

    /** Builds credentials, decoding {@code auth} ({@code base64(user:password)}) when no user name is given. */
    public static Credentials of(String username, String password, String auth, String identityToken, String registryToken) {
        if ((username == null || username.isEmpty()) && auth != null && !auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw CriException.invalid("auth.auth is not valid base64 of 'user:password'");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw CriException.invalid("auth.auth does not decode to 'user:password'");
            }
            username = decoded.substring(0, colon);
            password = decoded.substring(colon + 1);
        }
        return new Credentials(username, password, identityToken, registryToken);
    }

    /** True when nothing at all is presented. */
    public boolean anonymous() {
        return equals(ANONYMOUS);
    }

    public boolean hasPassword() {
        return !username.isEmpty();
    }

    /** The {@code Authorization} value for Basic auth. */
    String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
