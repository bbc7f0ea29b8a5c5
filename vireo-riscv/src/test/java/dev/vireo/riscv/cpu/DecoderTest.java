package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Decoder corner cases that the execution tests do not reach. */
class DecoderTest {
    private static int op(int insn) { return (int) Decoder.decode(insn) & 0xFF; }

    @Test
    void pauseIsDecodedSeparatelyFromFence() {
        assertThat(op(0x0100000F)).isEqualTo(Op.PAUSE);
        assertThat(op(0x0FF0000F)).isEqualTo(Op.FENCE); // fence iorw, iorw
        assertThat(op(0x0000100F)).isEqualTo(Op.FENCE_I);
    }

    @Test
    void writesToX0DecodeToTheSinkRegister() {
        long slot = Decoder.decode(0x00100013); // addi zero, zero, 1
        assertThat(((int) slot >>> Op.RD_SHIFT) & 63).isEqualTo(Op.SINK);
    }

    @Test
    void reservedEncodingsAreIllegalWithTheirBitsAsImmediate() {
        for (int insn : new int[] {0xFFFFFFFF, 0x0000_0000 | 0x7F, 0x00002067 /* jalr f3=2 */, 0x0000_4003 | (7 << 12),
                0x0200A02F | (0x1F << 27) /* amo funct5 31 */, 0x1000302F | (1 << 20) /* lr.d with rs2 != 0 */}) {
            long slot = Decoder.decode(insn);
            assertThat((int) slot & 0xFF).as("0x%08x", insn).isEqualTo(Op.ILLEGAL);
            assertThat((int) (slot >> 32)).isEqualTo(insn);
        }
    }
}
