package dev.vireo.kvm.boot;

import dev.vireo.machine.memory.GuestMemory;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The zero page built from a synthetic bzImage: a valid setup header and a recognisable payload. */
class LinuxBootTest {
    private static final int SETUP_SECTS = 1, PAYLOAD = 8192;

    static byte[] bzImage(int version, int xloadflags, long initSize) {
        byte[] image = new byte[(SETUP_SECTS + 1) * 512 + PAYLOAD];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) SETUP_SECTS);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x201, (byte) 0x6A);                // header length past 0x202
        b.putInt(0x202, 0x53726448);             // "HdrS"
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 0x01);               // LOADED_HIGH
        b.putInt(0x22C, 0x37FF_FFFF);            // initrd_addr_max
        b.putInt(0x230, 0x20_0000);              // kernel_alignment
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2048);                   // cmdline_size
        b.putInt(0x260, (int) initSize);
        for (int i = 0; i < PAYLOAD; i++) image[(SETUP_SECTS + 1) * 512 + i] = (byte) (i * 7);
        return image;
    }

    @Test
    void buildsZeroPageWithCommandLineInitrdE820AndRsdp() {
        try (GuestMemory memory = GuestMemory.allocate(0, 16 << 20)) {
            byte[] initrd = new byte[10_000];
            initrd[0] = 0x42;

            BootPlan plan = LinuxBoot.load(bzImage(0x020F, 1, 0x40_0000), initrd, "console=ttyS0 panic=-1", memory, 0xE0000);

            long zp = LowMemory.ZERO_PAGE;
            assertThat(plan).isEqualTo(new BootPlan(BootPlan.Kind.LINUX, 0x100200));
            assertThat(plan.entryFor(0, 2)).contains(new EntryState(0x100200, LowMemory.BOOT_STACK, zp, 0));
            assertThat(plan.entryFor(1, 2)).isEmpty();
            assertThat(memory.readByte(0x100000 + 3)).isEqualTo((byte) 21);
            assertThat(memory.readInt(zp + 0x202)).isEqualTo(0x53726448);
            assertThat(memory.readShort(zp + 0x206)).isEqualTo((short) 0x020F);
            assertThat(memory.readByte(zp + 0x210)).isEqualTo((byte) 0xFF);
            assertThat(memory.readByte(zp + 0x211) & 0x81).isEqualTo(0x81);
            assertThat(memory.readInt(zp + 0x228)).isEqualTo(0x20000);
            byte[] cmdline = new byte[22];
            memory.read(0x20000, cmdline, 0, cmdline.length);
            assertThat(new String(cmdline, StandardCharsets.US_ASCII)).isEqualTo("console=ttyS0 panic=-1");
            assertThat(memory.readByte(0x20000 + 22)).isZero();
            long ramdisk = Integer.toUnsignedLong(memory.readInt(zp + 0x218));
            assertThat(ramdisk % 4096).isZero();
            assertThat(ramdisk + initrd.length).isLessThanOrEqualTo(16 << 20);
            assertThat(ramdisk).isGreaterThanOrEqualTo(0x100000 + 0x40_0000);
            assertThat(memory.readInt(zp + 0x21C)).isEqualTo(10_000);
            assertThat(memory.readByte(ramdisk)).isEqualTo((byte) 0x42);
            assertThat(memory.readLong(zp + 0x070)).isEqualTo(0xE0000);
            assertThat(memory.readByte(zp + 0x1E8)).isEqualTo((byte) 3);
            assertThat(memory.readLong(zp + 0x2D0 + 40)).isEqualTo(0x100000);
            assertThat(memory.readLong(zp + 0x2D0 + 48)).isEqualTo((16 << 20) - 0x100000);
            assertThat(memory.readInt(zp + 0x2D0 + 56)).isEqualTo(1);
            assertThat(memory.readInt(zp + 0x2D0 + 36)).isEqualTo(2);   // legacy hole reserved
        }
    }

    @Test
    void rejectsOldProtocolsThirtyTwoBitKernelsAndTooLittleMemory() {
        try (GuestMemory memory = GuestMemory.allocate(0, 16 << 20)) {
            assertThatThrownBy(() -> LinuxBoot.load(bzImage(0x020B, 1, 0x1000), null, "", memory, 0))
                    .isInstanceOf(BootException.class).hasMessageContaining("2.11 is too old");
            assertThatThrownBy(() -> LinuxBoot.load(bzImage(0x020F, 0, 0x1000), null, "", memory, 0))
                    .isInstanceOf(BootException.class).hasMessageContaining("no 64-bit entry point");
            assertThatThrownBy(() -> LinuxBoot.load(bzImage(0x020F, 1, 64 << 20), null, "", memory, 0))
                    .isInstanceOf(BootException.class).hasMessageContaining("needs at least 65 MiB").hasMessageContaining("has 16 MiB");
            assertThatThrownBy(() -> LinuxBoot.load(new byte[100], null, "", memory, 0))
                    .isInstanceOf(BootException.class).hasMessageContaining("too short");
            assertThatThrownBy(() -> LinuxBoot.load(bzImage(0x020F, 1, 0x1000), null, "x".repeat(3000), memory, 0))
                    .isInstanceOf(BootException.class).hasMessageContaining("at most 2048");
        }
    }
}
