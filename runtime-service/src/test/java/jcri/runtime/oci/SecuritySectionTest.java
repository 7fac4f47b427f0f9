package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import jcri.api.v1.Capability;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;
import org.junit.jupiter.api.Test;

class SecuritySectionTest {
    private final SecuritySection section = new SecuritySection(SpecFixture.CAPABILITIES, List.of("SCMP_ARCH_X86_64"));

    private static LinuxContainerSecurityContext context(Capability.Builder caps) {
        return LinuxContainerSecurityContext.newBuilder().setCapabilities(caps).build();
    }

    @Test
    void aPrivilegedContainerGetsTheWholeBoundingSet() {
        assertEquals(SpecFixture.CAPABILITIES.bounding(), section.capabilities(LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(true).setCapabilities(Capability.newBuilder().addDropCapabilities("ALL")).build()));
    }

    @Test
    void addedCapabilitiesOutsideTheBoundingSetAreLeftOut() {
        var caps = section.capabilities(context(Capability.newBuilder().addAddCapabilities("SYS_ADMIN").addAddCapabilities("CAP_BPF")
                .addDropCapabilities("net_raw")));
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_SETGID", "CAP_SETUID",
                "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_SYS_ADMIN"), caps);
    }

    @Test
    void dropAllKeepsOnlyTheAddedAndAddAllTakesTheBoundingSet() {
        assertEquals(List.of("CAP_NET_BIND_SERVICE", "CAP_KILL"), section.capabilities(context(Capability.newBuilder()
                .addAddCapabilities("NET_BIND_SERVICE").addAddCapabilities("KILL").addDropCapabilities("ALL"))));
        assertEquals(SpecFixture.CAPABILITIES.bounding().size(), section.capabilities(context(Capability.newBuilder()
                .addAddCapabilities("ALL"))).size());
    }

    @Test
    void maskedAndReadonlyPathsAreTheDefaultsUnlessListedAndNoneWhenPrivileged() {
        var plain = LinuxContainerSecurityContext.getDefaultInstance();
        assertEquals(SecuritySection.MASKED, SecuritySection.maskedPaths(plain));
        assertEquals(SecuritySection.READONLY, SecuritySection.readonlyPaths(plain));
        var listed = LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/x").addReadonlyPaths("/proc/y").build();
        assertEquals(List.of("/proc/x"), SecuritySection.maskedPaths(listed));
        assertEquals(List.of("/proc/y"), SecuritySection.readonlyPaths(listed));
        var privileged = listed.toBuilder().setPrivileged(true).build();
        assertNull(SecuritySection.maskedPaths(privileged));
        assertNull(SecuritySection.readonlyPaths(privileged));
    }

    @Test
    void aPrivilegedContainerIsNotFilteredEvenWhenItAsksForRuntimeDefault() {
        var runtimeDefault = LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault)).build();
        var seccomp = section.seccomp(runtimeDefault, List.of());
        assertNotNull(seccomp);
        assertEquals(List.of("SCMP_ARCH_X86_64"), seccomp.architectures());
        assertNull(section.seccomp(runtimeDefault.toBuilder().setPrivileged(true).build(), List.of()));
    }
}
