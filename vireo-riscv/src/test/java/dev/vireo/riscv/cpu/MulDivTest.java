package dev.vireo.riscv.cpu;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** M extension, including table 7.1 of the unprivileged spec. */
class MulDivTest {
    private static TestMachine run(String source) {
        return new TestMachine().run(source + "\nhalt\n");
    }

    @Test
    void divisionByZeroReturnsAllOnesAndRemainderReturnsDividend() {
        try (var m = run("""
                li t0, 7
                div a0, t0, zero
                divu a1, t0, zero
                rem a2, t0, zero
                remu a3, t0, zero
                divw a4, t0, zero
                remw a5, t0, zero
                divuw a6, t0, zero
                """)) {
            assertThat(m.reg("a0")).isEqualTo(-1);
            assertThat(m.reg("a1")).isEqualTo(-1);
            assertThat(m.reg("a2")).isEqualTo(7);
            assertThat(m.reg("a3")).isEqualTo(7);
            assertThat(m.reg("a4")).isEqualTo(-1);
            assertThat(m.reg("a5")).isEqualTo(7);
            assertThat(m.reg("a6")).isEqualTo(-1);
        }
    }

    @Test
    void signedOverflowReturnsDividendAndZeroRemainder() {
        try (var m = run("""
                li t0, 1
                slli t0, t0, 63
                li t1, -1
                div a0, t0, t1
                rem a1, t0, t1
                li t2, 0x80000000
                divw a2, t2, t1
                remw a3, t2, t1
                """)) {
            assertThat(m.reg("a0")).isEqualTo(Long.MIN_VALUE);
            assertThat(m.reg("a1")).isZero();
            assertThat(m.reg("a2")).isEqualTo(Integer.MIN_VALUE);
            assertThat(m.reg("a3")).isZero();
        }
    }

    @Test
    void highMultipliesTreatOperandsAsSignedOrUnsigned() {
        try (var m = run("""
                li t0, -1
                li t1, 2
                mulh a0, t0, t1
                mulhu a1, t0, t1
                mulhsu a2, t0, t1
                mulhsu a3, t1, t0
                mul a4, t0, t1
                li t2, 0x10000
                mulw a5, t2, t2
                """)) {
            assertThat(m.reg("a0")).isEqualTo(-1);
            assertThat(m.reg("a1")).isEqualTo(1);
            assertThat(m.reg("a2")).isEqualTo(-1);
            assertThat(m.reg("a3")).isEqualTo(1);
            assertThat(m.reg("a4")).isEqualTo(-2);
            assertThat(m.reg("a5")).isZero();
        }
    }

    @Test
    void unsignedWordDivisionUsesLow32BitsAndSignExtends() {
        try (var m = run("""
                li t0, -2
                li t1, 1
                divuw a0, t0, t1
                remuw a1, t0, t0
                li t2, -7
                li t3, 2
                rem a2, t2, t3
                div a3, t2, t3
                """)) {
            assertThat(m.reg("a0")).isEqualTo(-2);
            assertThat(m.reg("a1")).isZero();
            assertThat(m.reg("a2")).isEqualTo(-1);
            assertThat(m.reg("a3")).isEqualTo(-3);
        }
    }
}
