package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.Int64Value;
import jcri.api.v1.KeyValue;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SupplementalGroupsPolicy;
import jcri.api.v1.SecurityProfile;
import jcri.image.ImageSpec;
import jcri.runtime.oci.spec.Process;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSectionTest {
    private static final List<String> CAPS = List.of("CAP_KILL");

    @TempDir
    Path tmp;

    private static ImageSpec image(String user, List<String> env) {
        return new ImageSpec(user, env, List.of("/entry"), List.of("serve"), "", "", Map.of(), List.of(), List.of());
    }

    private UserResolver.Ids user(LinuxContainerSecurityContext.Builder security, String imageUser) throws IOException {
        return ProcessSection.user(SpecFixture.input(tmp, SpecFixture.withSecurity(security), image(imageUser, List.of()),
                SpecFixture.POD_NAMESPACES, true));
    }

    private Process process(ProcessSection section, ContainerConfig c) throws IOException {
        return section.of(SpecFixture.input(tmp, c), CAPS);
    }

    @Test
    void runAsUserBeatsRunAsUsernameWhichBeatsTheImageUser() throws IOException {
        var byName = LinuxContainerSecurityContext.newBuilder().setRunAsUsername("app");
        assertEquals(new UserResolver.Ids(1000, 1000, List.of(44L)), user(byName, "nobody"));
        assertEquals(new UserResolver.Ids(65534, 65534, List.of()), user(byName.clone().setRunAsUser(Int64Value.newBuilder().setValue(65534)),
                "root"));
        assertEquals(new UserResolver.Ids(1000, 44, List.of(44L)), user(LinuxContainerSecurityContext.newBuilder(), "app:video"));
        assertEquals(new UserResolver.Ids(1000, 7, List.of(44L)), user(byName.clone().setRunAsGroup(Int64Value.newBuilder().setValue(7)),
                "root"));
    }

    @Test
    void strictSupplementalGroupsLeaveOutTheImagesGroupMemberships() throws IOException {
        var merge = LinuxContainerSecurityContext.newBuilder().setRunAsUsername("app").addSupplementalGroups(1234);
        var section = new ProcessSection(0, false);
        assertEquals(List.of(44L, 1234L), process(section, SpecFixture.withSecurity(merge)).user().additionalGids());
        var strict = merge.clone().setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict);
        assertEquals(List.of(1234L), process(section, SpecFixture.withSecurity(strict)).user().additionalGids());
        assertNull(process(section, SpecFixture.withSecurity(strict.clone().clearSupplementalGroups())).user().additionalGids());
    }

    @Test
    void aGroupWithoutAUserIsRefused() {
        assertThrows(CriException.class, () -> user(LinuxContainerSecurityContext.newBuilder()
                .setRunAsGroup(Int64Value.newBuilder().setValue(7)), "app"));
    }

    @Test
    void commandReplacesEntrypointAndCmdArgsReplaceOnlyCmd() {
        var entrypoint = List.of("/entry");
        var cmd = List.of("serve", "--port=80");
        assertEquals(List.of("/entry", "serve", "--port=80"), ProcessSection.args(SpecFixture.container("c").build(), entrypoint, cmd));
        assertEquals(List.of("/entry", "check"), ProcessSection.args(SpecFixture.container("c").addArgs("check").build(), entrypoint, cmd));
        assertEquals(List.of("sh", "-c", "true"), ProcessSection.args(SpecFixture.container("c").addCommand("sh").addArgs("-c")
                .addArgs("true").build(), entrypoint, cmd));
        assertThrows(CriException.class, () -> ProcessSection.args(SpecFixture.container("c").build(), List.of(), List.of()));
    }

    @Test
    void envKeepsTheFirstPlaceOfAKeyAndTheLastValue() throws IOException {
        var c = SpecFixture.container("c").addEnvs(KeyValue.newBuilder().setKey("PATH").setValue("/bin"))
                .addEnvs(KeyValue.newBuilder().setKey("B").setValue("2")).build();
        var env = ProcessSection.env(SpecFixture.input(tmp, c, image("", List.of("A=1", "HOSTNAME=img", "FLAG")),
                SpecFixture.POD_NAMESPACES, true));
        assertEquals(List.of("PATH=/bin", "HOSTNAME=img", "A=1", "FLAG", "B=2"), env);
    }

    @Test
    void theOomScoreIsNeverBelowJcridsOwn() throws IOException {
        var section = new ProcessSection(-500, false);
        assertEquals(-500, process(section, oomScoreAdj(-900)).oomScoreAdj());
        assertEquals(0, process(section, SpecFixture.container("c").build()).oomScoreAdj());
        assertEquals(900, process(section, oomScoreAdj(900)).oomScoreAdj());
    }

    private static ContainerConfig oomScoreAdj(int score) {
        return SpecFixture.container("c").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(score))).build();
    }

    @Test
    void anAppArmorProfileIsNamedWhereTheNodeHasAppArmorAndRefusedWhereNot() throws IOException {
        var c = SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder().setApparmor(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef("localhost/strict")));
        assertEquals("strict", process(new ProcessSection(0, true), c).apparmorProfile());
        var e = assertThrows(CriException.class, () -> process(new ProcessSection(0, false), c));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        var deprecated = SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder().setApparmorProfile("localhost/old"));
        assertEquals("old", process(new ProcessSection(0, true), deprecated).apparmorProfile());
        var byDefault = SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder().setApparmor(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.RuntimeDefault)).setApparmorProfile("runtime/default"));
        assertNull(process(new ProcessSection(0, false), byDefault).apparmorProfile(), "the default needs no AppArmor");
    }

    @Test
    void onlyRootHasAnInheritableSetAndTheSetsAreTheCapabilitiesGiven() throws IOException {
        var section = new ProcessSection(0, false);
        var root = process(section, SpecFixture.container("c").build()).capabilities();
        assertEquals(new Process.Capabilities(CAPS, CAPS, CAPS, List.of()), root);
        var app = process(section, SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000)))).capabilities();
        assertNull(app.inheritable());
    }
}
