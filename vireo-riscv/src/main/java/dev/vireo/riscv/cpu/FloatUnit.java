package dev.vireo.riscv.cpu;

/**
 * Executes the computational F and D instructions (RISC-V unprivileged ch. 11-12): major
 * opcodes OP-FP 0x53, FMADD 0x43, FMSUB 0x47, FNMSUB 0x4B, FNMADD 0x4F. Loads and stores
 * (FLW/FLD/FSW/FSD and their compressed forms) and the mstatus.FS check/dirty marking are the
 * hart's job.
 *
 * <p>API CONTRACT shared by the CPU and the FPU.
 */
public final class FloatUnit {
    private FloatUnit() {}

    /**
     * Executes {@code insn}. Reads and writes {@code fs.f}, accrues {@code fs.fflags}, reads
     * {@code fs.frm} for dynamic rounding, reads/writes integer registers in {@code x} (never
     * writes x[0]).
     *
     * @return true if executed; false if the encoding is illegal (unknown funct, reserved
     *     rounding mode 5/6, or dynamic rounding with frm ≥ 5), in which case nothing changed
     */
    public static boolean execute(int insn, FpuState fs, long[] x) {
        throw new UnsupportedOperationException("TODO: FPU");
    }
}
