package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.io.IOException;
import java.net.http.HttpClient;
import jcri.api.CriException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Distribution token flow against a token service on 127.0.0.1. */
class TokenCacheTest {
    private final LocalServer server = new LocalServer();
    private final HttpClient client = HttpClient.newHttpClient();
    private final TokenCache tokens = new TokenCache();

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private Challenge bearer(String scope) {
        return Challenge.parse("Bearer realm=\"" + server.base() + "/token\",service=\"reg.test\",scope=\"" + scope + "\"");
    }

    @Test
    void anAnonymousTokenIsFetchedWithServiceAndScopeAndCachedPerScope() throws Exception {
        server.on("/token", ex -> LocalServer.json(ex, 200, "{\"token\":\"t-" + server.requests.size() + "\",\"expires_in\":300}"));

        assertEquals("Bearer t-1", tokens.authorization(client, bearer("repository:lib/a:pull"), Credentials.ANONYMOUS, "reg.test"));
        assertEquals("Bearer t-1", tokens.authorization(client, bearer("repository:lib/a:pull"), Credentials.ANONYMOUS, "reg.test"));
        assertEquals("Bearer t-2", tokens.authorization(client, bearer("repository:lib/b:pull"), Credentials.ANONYMOUS, "reg.test"));

        assertEquals(2, server.requests.size(), "the second ask for lib/a is answered from the cache");
        assertEquals("GET /token?service=reg.test&scope=repository%3Alib%2Fa%3Apull", server.requests.getFirst().line());
        assertEquals(null, server.requests.getFirst().header("Authorization"));
    }

    @Test
    void aUserAndPasswordAreSentAsBasicAuthAndCachedApartFromAnonymous() throws Exception {
        server.on("/token", ex -> LocalServer.json(ex, 200, "{\"access_token\":\"user-token\"}"));
        var alice = Credentials.of("alice", "s3cret", "", "", "");

        assertEquals("Bearer user-token", tokens.authorization(client, bearer("s"), alice, "reg.test"));
        tokens.authorization(client, bearer("s"), Credentials.ANONYMOUS, "reg.test");

        assertEquals("Basic YWxpY2U6czNjcmV0", server.requests.getFirst().header("Authorization"));
        assertEquals(2, server.requests.size(), "anonymous never gets alice's token");
    }

    @Test
    void aTokenFetchedWithOnePasswordIsNotHandedToTheSameUserWithAnother() throws Exception {
        server.on("/token", ex -> {
            var right = Credentials.of("alice", "right", "", "", "").basic();
            if (right.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                LocalServer.json(ex, 200, "{\"token\":\"alice-token\"}");
            } else {
                LocalServer.json(ex, 401, "{}");
            }
        });
        assertEquals("Bearer alice-token", tokens.authorization(client, bearer("repository:private:pull"),
                Credentials.of("alice", "right", "", "", ""), "reg.test"));

        var e = assertThrows(CriException.class, () -> tokens.authorization(client, bearer("repository:private:pull"),
                Credentials.of("alice", "wrong", "", "", ""), "reg.test"));
        assertEquals(Status.Code.UNAUTHENTICATED, e.code());
        assertEquals(2, server.requests.size(), "the wrong password is checked by the token service, not answered from the cache");
    }

    @Test
    void anIdentityTokenIsExchangedWithAPostedRefreshGrant() throws Exception {
        server.on("/token", ex -> LocalServer.json(ex, 200, "{\"access_token\":\"from-refresh\"}"));
        var credentials = new Credentials("", "", "refresh/me", "");

        assertEquals("Bearer from-refresh", tokens.authorization(client, bearer("repository:x:pull"), credentials, "reg.test"));

        var request = server.requests.getFirst();
        assertEquals("POST /token", request.line());
        assertEquals("grant_type=refresh_token&client_id=jcri&refresh_token=refresh%2Fme&service=reg.test&scope=repository%3Ax%3Apull",
                request.body());
    }

    @Test
    void aRegistryTokenIsUsedAsIsWithoutAskingTheTokenService() throws Exception {
        assertEquals("Bearer ready", tokens.authorization(client, bearer("s"), new Credentials("", "", "", "ready"), "reg.test"));
        assertEquals(0, server.requests.size());
    }

    @Test
    void aBasicChallengeNeedsAPassword() throws Exception {
        var basic = Challenge.parse("Basic realm=\"reg\"");
        assertEquals("Basic Ym9iOnB3", tokens.authorization(client, basic, Credentials.of("bob", "pw", "", "", ""), "reg.test"));
        var e = assertThrows(CriException.class, () -> tokens.authorization(client, basic, Credentials.ANONYMOUS, "reg.test"));
        assertEquals(Status.Code.UNAUTHENTICATED, e.code());
        assertEquals("registry reg.test requires a user name and password, and the pull gave none", e.getMessage());
    }

    @Test
    void unsupportedSchemesAndRealmlessChallengesAreUnauthenticated() {
        var e = assertThrows(CriException.class, () -> tokens.authorization(client, Challenge.parse("Negotiate abc"), Credentials.ANONYMOUS, "r"));
        assertEquals("registry r asks for unsupported authentication 'negotiate'", e.getMessage());
        var noRealm = assertThrows(CriException.class,
                () -> tokens.authorization(client, Challenge.parse("Bearer service=\"x\""), Credentials.ANONYMOUS, "r"));
        assertEquals(Status.Code.UNAUTHENTICATED, noRealm.code());
        assertEquals("registry r sent a bearer challenge without a realm", noRealm.getMessage());
    }

    @Test
    void aRefusalIsUnauthenticatedAndOtherFailuresAreIoErrors() {
        server.on("/token", ex -> LocalServer.json(ex, ex.getRequestURI().getQuery().contains("denied") ? 403
                : ex.getRequestURI().getQuery().contains("broken") ? 502 : 200, "{}"));
        var refused = assertThrows(CriException.class, () -> tokens.authorization(client, bearer("denied"), Credentials.ANONYMOUS, "reg.test"));
        assertEquals(Status.Code.UNAUTHENTICATED, refused.code());
        assertEquals("registry reg.test refused the credentials: its token service " + server.base() + "/token answered HTTP 403",
                refused.getMessage());
        var broken = assertThrows(IOException.class, () -> tokens.authorization(client, bearer("broken"), Credentials.ANONYMOUS, "reg.test"));
        assertEquals("token service " + server.base() + "/token answered HTTP 502", broken.getMessage());
        var empty = assertThrows(IOException.class, () -> tokens.authorization(client, bearer("ok"), Credentials.ANONYMOUS, "reg.test"));
        assertEquals("token service " + server.base() + "/token returned no token", empty.getMessage());
    }
}
