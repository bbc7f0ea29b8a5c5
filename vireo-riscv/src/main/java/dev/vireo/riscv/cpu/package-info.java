/**
 * The RV64GC hart emulator (RISC-V unprivileged 20191213, privileged 1.12; Sv39/Sv48, Sstc,
 * Zba/Zbb/Zbs, Zicond, Zihintpause).
 *
 * <h2>Structure</h2>
 * <ul>
 *   <li>{@link dev.vireo.riscv.cpu.Hart}: the public face (platform contract), registers, the
 *       run loop in batches, interrupt selection, trap entry, WFI parking.</li>
 *   <li>{@code Interpreter}: the hot loop over pre-decoded slots ({@code DecodedPage}, one
 *       {@code long} per 16-bit parcel: code word + immediate, see {@code Op}); common
 *       operations inline, the rest in {@code Alu} (pure M/Zb* ops) and {@code SystemOps}
 *       (CSR, xRET, fences, atomics, FP loads/stores, FloatUnit).</li>
 *   <li>{@code Decoder}, {@code CompressedDecoder}: 32-bit and RVC decoding; RVC expands to the
 *       same operations.</li>
 *   <li>{@code Mmu}: page walk with atomic A/D updates, three software TLBs mapping a virtual
 *       page straight to an offset in guest RAM, slow paths for misses, page-crossing and
 *       misaligned accesses and MMIO; {@code Pmp} checked when a TLB entry is filled.</li>
 *   <li>{@code CodeCache}: decoded pages per RAM page; stores to a decoded page drop it, FENCE.I
 *       makes every page re-verify against memory before reuse.</li>
 *   <li>{@code Csr}: CSR storage, access rules and WARL behaviour; {@code Trap}: the
 *       preallocated exception used to leave slow paths.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Each hart runs on its own platform thread; everything except the documented thread-safe
 * methods of {@code Hart} (interrupt lines, mtimecmp, wake, stop) is owned by that thread.
 * Atomics use VarHandle operations on the shared RAM segment; LR/SC reservations live in
 * {@link dev.vireo.riscv.cpu.Reservations}.
 */
package dev.vireo.riscv.cpu;
