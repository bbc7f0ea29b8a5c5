package dev.vireo.riscv.fdt;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FdtWriterTest {
    private static byte[] sample() {
        FdtWriter w = new FdtWriter();
        w.beginNode("");
        w.cells("#address-cells", 2).cells("#size-cells", 2).strings("compatible", "vendor,board", "generic");
        w.beginNode("memory@80000000").strings("device_type", "memory").longs("reg", 0x8000_0000L, 0x2000_0000L).endNode();
        int phandle = w.allocatePhandle();
        w.beginNode("intc").cells("phandle", phandle).property("interrupt-controller").cells("#address-cells", 0).cells("#interrupt-cells", 1).endNode();
        w.beginNode("dev@1000").longs("reg", 0x1000, 0x100).cells("interrupt-parent", phandle).cells("interrupts", 7)
                .property("blob", new byte[] {1, 2, 3}).endNode();
        w.endNode();
        w.reserve(0x8000_0000L, 0x10_0000);
        return w.finish();
    }

    @Test
    void writesAHeaderThatDescribesTheBlob() {
        byte[] blob = sample();
        ByteBuffer b = ByteBuffer.wrap(blob);
        assertThat(b.getInt(0)).isEqualTo(0xd00dfeed);
        assertThat(b.getInt(4)).isEqualTo(blob.length);
        assertThat(b.getInt(20)).isEqualTo(17);
        assertThat(b.getInt(24)).isEqualTo(16);
        int structOffset = b.getInt(8), stringsOffset = b.getInt(12);
        assertThat(structOffset % 4).isZero();
        assertThat(b.getInt(structOffset)).isEqualTo(FdtWriter.BEGIN_NODE);
        assertThat(structOffset + b.getInt(36)).isEqualTo(stringsOffset);
        assertThat(b.getInt(stringsOffset - 4)).isEqualTo(FdtWriter.END);
        assertThat(stringsOffset + b.getInt(32)).isEqualTo(blob.length);
    }

    @Test
    void roundTripsThroughDtc() throws Exception {
        Dtc.Result r = Dtc.decompile(sample());
        assertThat(r.exitCode()).as(r.warnings()).isZero();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.dts())
                .contains("/memreserve/\t0x0000000080000000 0x0000000000100000;")
                .contains("compatible = \"vendor,board\\0generic\";")
                .contains("reg = <0x00 0x80000000 0x00 0x20000000>;")
                .contains("interrupt-controller;")
                .contains("interrupts = <0x07>;")
                .contains("blob = [01 02 03];")
                .contains("memory@80000000 {");
    }

    @Test
    void sharesPropertyNamesInTheStringsBlock() {
        FdtWriter w = new FdtWriter().beginNode("");
        for (int i = 0; i < 10; i++) w.beginNode("n" + i).cells("reg", i).endNode();
        byte[] blob = w.endNode().finish();
        assertThat(ByteBuffer.wrap(blob).getInt(32)).isEqualTo("reg".length() + 1);
    }

    @Test
    void rejectsUnbalancedNodes() {
        assertThatThrownBy(() -> new FdtWriter().beginNode("").finish()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FdtWriter().endNode()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FdtWriter().beginNode("cpu")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FdtWriter().cells("x", 1)).isInstanceOf(IllegalStateException.class);
    }
}
