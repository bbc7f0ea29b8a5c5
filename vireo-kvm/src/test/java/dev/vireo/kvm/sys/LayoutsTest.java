package dev.vireo.kvm.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;

import static org.assertj.core.api.Assertions.assertThat;

/** Struct sizes against <linux/kvm.h>, cross-checked through the size field of each ioctl number. */
class LayoutsTest {
    private static long iow(int nr, long size) { return (1L << 30) | (size << 16) | (0xAE << 8) | nr; }

    private static long ior(int nr, long size) { return (2L << 30) | (size << 16) | (0xAE << 8) | nr; }

    private static long iowr(int nr, long size) { return (3L << 30) | (size << 16) | (0xAE << 8) | nr; }

    @Test
    void structSizesMatchTheKernelHeaders() {
        assertThat(KvmRegs.LAYOUT.byteSize()).isEqualTo(144);
        assertThat(KvmSegment.LAYOUT.byteSize()).isEqualTo(24);
        assertThat(KvmSregs.LAYOUT.byteSize()).isEqualTo(312);
        assertThat(KvmFpu.LAYOUT.byteSize()).isEqualTo(416);
        assertThat(KvmFpu.FCW).isEqualTo(128);
        assertThat(KvmFpu.MXCSR).isEqualTo(408);
        assertThat(KvmLapicState.LAYOUT.byteSize()).isEqualTo(1024);
        assertThat(KvmUserspaceMemoryRegion.LAYOUT.byteSize()).isEqualTo(32);
        assertThat(KvmIrqfd.LAYOUT.byteSize()).isEqualTo(32);
        assertThat(KvmIoeventfd.LAYOUT.byteSize()).isEqualTo(64);
        assertThat(KvmCpuid2.ENTRY.byteSize()).isEqualTo(40);
        assertThat(KvmMsrs.ENTRY.byteSize()).isEqualTo(16);
        assertThat(KvmRun.HEADER.byteSize()).isEqualTo(32);
        assertThat(KvmRun.HEADER.byteOffset(MemoryLayout.PathElement.groupElement("exit_reason"))).isEqualTo(8);
        assertThat(KvmVmArgs.PIT_CONFIG.byteSize()).isEqualTo(64);
        assertThat(KvmVmArgs.IRQ_LEVEL.byteSize()).isEqualTo(8);
        assertThat(KvmVmArgs.SIGNAL_MASK.byteSize()).isEqualTo(12);
    }

    @Test
    void ioctlNumbersEncodeTheStructSizes() {
        assertThat(Kvm.GET_REGS).isEqualTo(ior(0x81, KvmRegs.LAYOUT.byteSize()));
        assertThat(Kvm.SET_REGS).isEqualTo(iow(0x82, KvmRegs.LAYOUT.byteSize()));
        assertThat(Kvm.GET_SREGS).isEqualTo(ior(0x83, KvmSregs.LAYOUT.byteSize()));
        assertThat(Kvm.SET_SREGS).isEqualTo(iow(0x84, KvmSregs.LAYOUT.byteSize()));
        assertThat(Kvm.SET_FPU).isEqualTo(iow(0x8D, KvmFpu.LAYOUT.byteSize()));
        assertThat(Kvm.GET_LAPIC).isEqualTo(ior(0x8E, KvmLapicState.LAYOUT.byteSize()));
        assertThat(Kvm.SET_LAPIC).isEqualTo(iow(0x8F, KvmLapicState.LAYOUT.byteSize()));
        assertThat(Kvm.SET_USER_MEMORY_REGION).isEqualTo(iow(0x46, KvmUserspaceMemoryRegion.LAYOUT.byteSize()));
        assertThat(Kvm.IRQFD).isEqualTo(iow(0x76, KvmIrqfd.LAYOUT.byteSize()));
        assertThat(Kvm.IOEVENTFD).isEqualTo(iow(0x79, KvmIoeventfd.LAYOUT.byteSize()));
        assertThat(Kvm.CREATE_PIT2).isEqualTo(iow(0x77, KvmVmArgs.PIT_CONFIG.byteSize()));
        assertThat(Kvm.IRQ_LINE).isEqualTo(iow(0x61, KvmVmArgs.IRQ_LEVEL.byteSize()));
        assertThat(Kvm.GET_SUPPORTED_CPUID).isEqualTo(iowr(0x05, KvmCpuid2.HEADER_BYTES));
        assertThat(Kvm.SET_CPUID2).isEqualTo(iow(0x90, KvmCpuid2.HEADER_BYTES));
        assertThat(Kvm.SET_MSRS).isEqualTo(iow(0x89, KvmMsrs.HEADER_BYTES));
        assertThat(Kvm.SET_SIGNAL_MASK).isEqualTo(iow(0x8B, 4));
        assertThat(Kvm.SET_MP_STATE).isEqualTo(iow(0x99, 4));
        assertThat(Kvm.SET_IDENTITY_MAP_ADDR).isEqualTo(iow(0x48, 8));
    }

    @Test
    void segmentFromGdtDescriptorIsTheFlat64BitCodeSegment() {
        KvmSegment code = KvmSegment.fromDescriptor(0x10, 0x00AF_9B00_0000_FFFFL);
        assertThat(code).isEqualTo(new KvmSegment(0, 0xFFFF_FFFF, 0x10, 0xB, true, 0, false, true, true, true, false, false));
        KvmSegment userData = KvmSegment.fromDescriptor(0x23, 0x00CF_F300_0000_FFFFL);
        assertThat(userData.dpl()).isEqualTo(3);
        assertThat(userData.db()).isTrue();
        assertThat(userData.l()).isFalse();
    }
}
