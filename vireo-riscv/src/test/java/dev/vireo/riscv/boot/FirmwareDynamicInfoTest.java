package dev.vireo.riscv.boot;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class FirmwareDynamicInfoTest {
    @Test
    void laysOutOpenSbisStructForAnSModeKernelOnAnyHart() {
        ByteBuffer b = ByteBuffer.wrap(FirmwareDynamicInfo.forKernel(0x8020_0000L).toBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.capacity()).isEqualTo(48);
        assertThat(b.getLong(0)).isEqualTo(0x4942534fL);
        assertThat(b.getLong(8)).isEqualTo(2);
        assertThat(b.getLong(16)).isEqualTo(0x8020_0000L);
        assertThat(b.getLong(24)).isEqualTo(1);
        assertThat(b.getLong(32)).isZero();
        assertThat(b.getLong(40)).isEqualTo(-1);
    }
}
