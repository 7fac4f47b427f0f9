package jcri.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetDevTest {
    private static final List<String> PROC_NET_DEV = List.of(
            "Inter-|   Receive                                                |  Transmit",
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
            "    lo:    1234      10    0    0    0     0          0         0     1234      10    0    0    0     0       0          0",
            "  eth0: 9876543     321    2    0    0     0          0         0   123456     210    5    0    0     0       0          0",
            "net1:11 1 0 0 0 0 0 0 22 2 1 0 0 0 0 0");

    @Test
    void readsReceiveAndTransmitBytesAndErrorsOfEveryInterfaceButLoopback() {
        assertEquals(List.of(new NetDev.Interface("eth0", 9_876_543, 2, 123_456, 5), new NetDev.Interface("net1", 11, 0, 22, 1)),
                NetDev.parse(PROC_NET_DEV));
    }

    @Test
    void truncatedLinesAreSkippedAndGarbageYieldsNothing() {
        assertEquals(List.of(), NetDev.parse(List.of("eth0: 1 2 3")));
        assertEquals(List.of(), NetDev.parse(List.of("eth0: x 1 0 0 0 0 0 0 2 2 0 0 0 0 0 0")));
    }

    @Test
    void aProcessThatIsGoneHasNoInterfacesAndALiveOneHasNoLoopback() {
        assertEquals(List.of(), NetDev.read(Long.MAX_VALUE));
        assertTrue(NetDev.read(ProcessHandle.current().pid()).stream().noneMatch(i -> i.name().equals("lo")));
    }
}
