package dev.vireo.riscv.boot;

import java.nio.file.Path;

/** What runs first in M-mode: a firmware file (OpenSBI fw_dynamic or another), or nothing (bare metal). */
public sealed interface Firmware {
    /** No firmware: the kernel is a bare-metal ELF entered in M-mode (QEMU's {@code -bios none}). */
    record None() implements Firmware {}

    /** A firmware file, an ELF or a raw binary loaded at the start of RAM. */
    record File(Path path) implements Firmware {}
}
