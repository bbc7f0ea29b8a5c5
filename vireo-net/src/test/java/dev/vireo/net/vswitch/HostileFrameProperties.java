package dev.vireo.net.vswitch;

import dev.vireo.net.acl.AclFile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A hostile guest sends anything: the switch never throws, and every frame is counted in, and drops never exceed what came in. */
class HostileFrameProperties {
    /** 300 seeded rounds of up to 40 random frames of up to 1600 bytes (property-style, plain JUnit). */
    @Test
    void neverThrowsAndCountsEveryFrame() {
        Random random = new Random(0x5EED_0003L);
        for (int round = 0; round < 300; round++) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = random.nextInt(41); i > 0; i--) {
                byte[] f = new byte[random.nextInt(1601)];
                random.nextBytes(f);
                frames.add(f);
            }
            sendsAndCounts(frames);
        }
    }

    private static void sendsAndCounts(List<byte[]> frames) {
        var acl = AclFile.parse("[port a]\ndeny out proto=tcp dport=0-1000\nallow both proto=udp\n", "p").get("a");
        try (VirtualSwitch sw = new VirtualSwitch(VirtualSwitch.Config.defaults("fuzz"))) {
            SwitchPort a = sw.attach("a", PortVlan.access(), acl, (f, o, l) -> { });
            sw.attach("b", PortVlan.access(), null, (f, o, l) -> { });
            for (byte[] f : frames) {
                if (f.length > 14 && (f[6] & 1) != 0) f[6] &= (byte) 0xFE; // mostly valid sources, so some frames pass
                a.receive(f, 0, f.length);
            }
            SwitchPort.PortStats s = a.stats();
            assertThat(s.receivedFrames()).isEqualTo(frames.size());
            long dropped = s.drops().get(DropReason.RUNT) + s.drops().get(DropReason.OVERSIZED)
                    + s.drops().get(DropReason.MALFORMED) + s.drops().get(DropReason.VLAN) + s.drops().get(DropReason.ACL_OUT);
            assertThat(dropped).isLessThanOrEqualTo(frames.size());
        }
    }
}
