package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoProxyRulesTest {
    @Test
    void loopbackIsAlwaysExemptAndOtherHostsAreNotByDefault() {
        for (var rules : new NoProxyRules[] {NoProxyRules.parse(null), NoProxyRules.parse(""), NoProxyRules.parse("example.com")}) {
            assertTrue(rules.exempts("localhost", 5000));
            assertTrue(rules.exempts("LOCALHOST.", 5000));
            assertTrue(rules.exempts("127.0.0.1", 443));
            assertTrue(rules.exempts("127.9.8.7", 443));
            assertTrue(rules.exempts("::1", 80));
            assertTrue(rules.exempts("[::1]", 80));
            assertFalse(rules.exempts("registry.test", 443));
            assertFalse(rules.exempts("10.0.0.1", 443));
        }
    }

    @Test
    void aStarExemptsEverything() {
        assertTrue(NoProxyRules.parse("*").exempts("quay.io", 443));
        assertTrue(NoProxyRules.parse("foo.com, *").exempts("10.1.1.1", 80));
    }

    @Test
    void aBareDomainMatchesItselfAndItsSubdomains() {
        var rules = NoProxyRules.parse("example.com");
        assertTrue(rules.exempts("example.com", 443));
        assertTrue(rules.exempts("Registry.Example.COM", 443));
        assertTrue(rules.exempts("a.b.example.com", 80));
        assertFalse(rules.exempts("notexample.com", 443));
        assertFalse(rules.exempts("example.com.evil.org", 443));
    }

    @Test
    void aLeadingDotOrStarDotMatchesOnlySubdomains() {
        for (var value : new String[] {".example.com", "*.example.com"}) {
            var rules = NoProxyRules.parse(value);
            assertTrue(rules.exempts("registry.example.com", 443), value);
            assertFalse(rules.exempts("example.com", 443), value);
            assertFalse(rules.exempts("badexample.com", 443), value);
        }
    }

    @Test
    void entriesAreCommaSeparatedTrimmedAndCaseInsensitive() {
        var rules = NoProxyRules.parse(" Internal.LAN ,, quay.io,");
        assertTrue(rules.exempts("internal.lan", 443));
        assertTrue(rules.exempts("quay.io", 443));
        assertFalse(rules.exempts("docker.io", 443));
    }

    @Test
    void aPortLimitsTheEntryToThatPort() {
        var rules = NoProxyRules.parse("reg.lan:5000,10.0.0.7:8080,[fd00::7]:5000");
        assertTrue(rules.exempts("reg.lan", 5000));
        assertFalse(rules.exempts("reg.lan", 443));
        assertTrue(rules.exempts("10.0.0.7", 8080));
        assertFalse(rules.exempts("10.0.0.7", 443));
        assertTrue(rules.exempts("fd00::7", 5000));
        assertFalse(rules.exempts("fd00::7", 443));
    }

    @Test
    void ipEntriesMatchOnlyIpLiteralsAndNeverResolveNames() {
        var rules = NoProxyRules.parse("10.0.0.7,fd00::7");
        assertTrue(rules.exempts("10.0.0.7", 443));
        assertFalse(rules.exempts("10.0.0.8", 443));
        assertTrue(rules.exempts("[fd00:0:0::7]", 443));
        assertFalse(rules.exempts("host-that-resolves-to-10.0.0.7", 443));
    }

    @Test
    void cidrsMatchTheAddressesInside() {
        var rules = NoProxyRules.parse("10.0.0.0/8,192.168.4.0/22,fd00::/8,0.0.0.0/0x");
        assertTrue(rules.exempts("10.200.3.4", 443));
        assertFalse(rules.exempts("11.0.0.1", 443));
        assertTrue(rules.exempts("192.168.7.255", 443));
        assertFalse(rules.exempts("192.168.8.0", 443));
        assertTrue(rules.exempts("fd12:3456::1", 443));
        assertFalse(rules.exempts("fe80::1", 443));
        assertFalse(rules.exempts("registry.10.0.0.0", 443));
    }

    @Test
    void anAllCoveringCidrOnlyCoversItsFamily() {
        var rules = NoProxyRules.parse("0.0.0.0/0");
        assertTrue(rules.exempts("203.0.113.9", 443));
        assertFalse(rules.exempts("2001:db8::1", 443));
        assertFalse(rules.exempts("quay.io", 443));
    }
}
