package dev.vireo.riscv.cpu;

/**
 * The pre-decoded instructions of one 4 KiB page of guest RAM, one slot per 16-bit parcel
 * (RVC allows instructions at every even address). Slots are decoded lazily; code 0 means
 * "not decoded yet". See {@link Op} for the slot format.
 */
final class DecodedPage {
    static final int SLOTS = 2048;

    /** Offset of the page in guest RAM's segment. */
    final long ramOffset;
    final int[] code = new int[SLOTS];
    final int[] imm = new int[SLOTS];

    DecodedPage(long ramOffset) {
        this.ramOffset = ramOffset;
    }
}
