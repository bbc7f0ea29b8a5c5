package dev.vireo.riscv.cpu;

import java.util.List;

/**
 * What the hart implements, in the forms the platform advertises: misa, and the device
 * tree's {@code riscv,isa} / {@code riscv,isa-extensions} / {@code mmu-type}. Must say exactly
 * what {@link Hart} implements (the CPU owner keeps this in step).
 */
public final class Isa {
    private Isa() {}

    /** misa: MXL=2 (64-bit) and the single-letter extensions I M A F D C S U. */
    public static final long MISA = (2L << 62)
            | 1L << ('I' - 'A') | 1L << ('M' - 'A') | 1L << ('A' - 'A') | 1L << ('F' - 'A')
            | 1L << ('D' - 'A') | 1L << ('C' - 'A') | 1L << ('S' - 'A') | 1L << ('U' - 'A');

    /** Multi-letter extensions, in canonical order (riscv,isa-extensions lists the letters too). */
    public static final List<String> EXTENSIONS = List.of(
            "zicntr", "zicond", "zicsr", "zifencei", "zihintpause", "zihpm", "zba", "zbb", "zbs", "sstc");

    /** riscv,isa-extensions: base letters then EXTENSIONS. */
    public static List<String> deviceTreeExtensions() {
        var all = new java.util.ArrayList<>(List.of("i", "m", "a", "f", "d", "c"));
        all.addAll(EXTENSIONS);
        return all;
    }

    /** riscv,isa string, e.g. rv64imafdc_zicntr_zicond_zicsr_zifencei_zihintpause_zihpm_zba_zbb_zbs_sstc. */
    public static String deviceTreeIsa() {
        return "rv64imafdc" + (EXTENSIONS.isEmpty() ? "" : "_" + String.join("_", EXTENSIONS));
    }

    /** riscv,isa-base for the device tree. */
    public static final String ISA_BASE = "rv64i";

    /** mmu-type for the device tree. */
    public static final String MMU_TYPE = "riscv,sv48";
}
