package jcri.runtime.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class QualifiedNameTest {
    @Test
    void aFullyQualifiedNameSplitsIntoVendorClassAndName() {
        var name = QualifiedName.parse("nvidia.com/gpu=GPU-4a:0.b_c");
        assertEquals(new QualifiedName("nvidia.com", "gpu", "GPU-4a:0.b_c"), name);
        assertEquals("nvidia.com/gpu", name.kind());
        assertEquals("nvidia.com/gpu=GPU-4a:0.b_c", name.toString());
        assertEquals("0", QualifiedName.parse("vendor.com/class.x=0").name());
    }

    @Test
    void namesThatAreNotFullyQualifiedOrBreakTheRulesAreRefused() {
        for (var bad : new String[] {"gpu0", "nvidia.com/gpu", "nvidia.com=gpu0", "/dev/nvidia0", "=x", "a/=x", "/b=x",
                "nvidia.com/gpu=", "1vendor.com/gpu=x", "vendor.com/gpu-=x", "vendor.com/g pu=x", "vendor.com/gpu=-x",
                "vendor.com/gpu=x:", "vendor.com/gpu=a/b", "vendor.com/a/b=x"}) {
            assertThrows(IllegalArgumentException.class, () -> QualifiedName.parse(bad), bad);
        }
    }

    @Test
    void aKindIsVendorSlashClassWithinTheLengthLimits() {
        QualifiedName.checkKind("foo.bar.baz/foo-bar123.B_az");
        for (var bad : new String[] {"foo", "vendor.com/foo/", "vendor.com/foo/bar", "vendor.com/" + "c".repeat(64),
                "v".repeat(254) + "/c"}) {
            assertThrows(IllegalArgumentException.class, () -> QualifiedName.checkKind(bad), bad);
        }
    }
}
