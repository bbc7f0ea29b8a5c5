/**
 * The arithmetic behind {@link dev.vireo.riscv.cpu.FloatUnit}: the F and D extensions' computational
 * instructions (RISC-V unprivileged ch. 11-12) with IEEE 754-2008 rounding in the five RISC-V
 * modes and the exception flags NV, DZ, OF, UF (tininess detected after rounding) and NX.
 *
 * <ul>
 *   <li>{@link dev.vireo.riscv.cpu.fpu.Rounding}: the rounding rules, once, on a 64-bit
 *       significand with a sticky bit; the step from a hardware nearest-even result to the
 *       directed modes.
 *   <li>{@link dev.vireo.riscv.cpu.fpu.DoubleArithmetic} and
 *       {@link dev.vireo.riscv.cpu.fpu.SingleArithmetic}: add, multiply, divide, square root,
 *       fused multiply-add; the JVM's arithmetic plus exact error terms on the hot path.
 *   <li>{@code ExactArithmetic}: the BigInteger slow path for doubles near the subnormal range
 *       and the overflow threshold.
 *   <li>{@link dev.vireo.riscv.cpu.fpu.Conversions} and
 *       {@link dev.vireo.riscv.cpu.fpu.Comparisons}: FCVT, FMIN/FMAX, FEQ/FLT/FLE, FCLASS.
 * </ul>
 *
 * <p>Values are raw IEEE bit patterns; NaN-boxing of singles in the 64-bit registers is done by
 * {@code FloatUnit}. Every NaN result is the canonical NaN. All methods are static and
 * stateless apart from the {@link dev.vireo.riscv.cpu.FpuState} whose flags they accrue, so
 * they are safe on any hart thread.
 */
package dev.vireo.riscv.cpu.fpu;
