package dev.vireo.kvm;

import dev.vireo.machine.hypervisor.VmExit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Measures whether this host's KVM runs guest kernel-mode (CPL0) code natively or emulates it,
 * as the nested "PVM" KVM of our CI machines does (about 5 µs per CPL0 loop iteration against
 * about 1 ns at CPL3). A hand-assembled guest times a countdown loop at CPL0, drops to CPL3 and
 * times a longer loop there; each loop is bracketed by writes to port 0x80 whose exits Vireo
 * timestamps. What {@code vireo host check} reports, and what the Linux-boot test checks.
 */
public final class KernelModeProbe {
    /** Below this many nanoseconds per CPL0 iteration, kernel-mode code is taken to run natively. */
    public static final double NATIVE_THRESHOLD_NS = 50;
    static final int KERNEL_ITERATIONS = 20_000, USER_ITERATIONS = 20_000_000;
    private static final long LOAD = 0x100000;

    /** The measurement: nanoseconds per loop iteration (two instructions) in each mode. */
    public record Result(double kernelNanosPerIteration, double userNanosPerIteration) {
        public boolean kernelModeNative() { return kernelNanosPerIteration < NATIVE_THRESHOLD_NS; }

        @Override
        public String toString() {
            return String.format("guest kernel mode %s (%.1f ns per loop iteration), user mode %.2f ns per iteration",
                    kernelModeNative() ? "runs natively" : "is emulated", kernelNanosPerIteration, userNanosPerIteration);
        }
    }

    private KernelModeProbe() {}

    /**
     * Runs the probe guest once (about 0.1 s where CPL0 is emulated).
     *
     * @throws KvmException if KVM is unusable here
     */
    public static Result measure() {
        Path elf = null;
        try {
            elf = Files.createTempFile("vireo-probe", ".elf");
            Files.write(elf, elf(code(), LOAD));
            List<Long> marks = new CopyOnWriteArrayList<>();
            KvmMachine.Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(elf, 4L << 20, 1).withExitObserver(exit -> {
                if (exit instanceof VmExit.UnhandledPio(int port, int size, boolean write, long value) && port == 0x80) {
                    marks.add(System.nanoTime());
                }
            }));
            if (outcome.reason() != KvmMachine.EndReason.RESET || marks.size() != 4) {
                throw new KvmException("the kernel-mode probe guest did not finish: " + outcome.reason() + " " + outcome.detail());
            }
            return new Result((marks.get(1) - marks.get(0)) / (double) KERNEL_ITERATIONS,
                    (marks.get(3) - marks.get(2)) / (double) USER_ITERATIONS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (elf != null) elf.toFile().delete();
        }
    }

    /** The probe guest, hand-assembled (no toolchain needed at run time). */
    static byte[] code() {
        ByteBuffer c = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        c.put(new byte[] {(byte) 0xE6, (byte) 0x80});                       // out %al, $0x80     (mark 0)
        c.put((byte) 0xB9).putInt(KERNEL_ITERATIONS);                       // mov $n, %ecx
        c.put(new byte[] {(byte) 0xFF, (byte) 0xC9, 0x75, (byte) 0xFC});    // 1: dec %ecx; jnz 1b
        c.put(new byte[] {(byte) 0xE6, (byte) 0x80});                       // out %al, $0x80     (mark 1)
        c.put(new byte[] {0x48, (byte) 0x89, (byte) 0xE0});                 // mov %rsp, %rax
        c.put(new byte[] {0x6A, 0x23, 0x50});                               // push $0x23 (user SS); push %rax
        c.put((byte) 0x68).putInt(0x3002);                                  // push $0x3002 (RFLAGS)
        c.put(new byte[] {0x6A, 0x2B});                                     // push $0x2b (user CS)
        int userAt = c.position() + 5 + 2;
        c.put((byte) 0x68).putInt((int) LOAD + userAt);                     // push $user
        c.put(new byte[] {0x48, (byte) 0xCF});                              // iretq
        c.put(new byte[] {(byte) 0xE6, (byte) 0x80});                       // user: out %al, $0x80 (mark 2)
        c.put((byte) 0xB9).putInt(USER_ITERATIONS);                         // mov $m, %ecx
        c.put(new byte[] {(byte) 0xFF, (byte) 0xC9, 0x75, (byte) 0xFC});    // 1: dec %ecx; jnz 1b
        c.put(new byte[] {(byte) 0xE6, (byte) 0x80});                       // out %al, $0x80     (mark 3)
        c.put(new byte[] {(byte) 0xB0, (byte) 0xFE, (byte) 0xE6, 0x64});    // mov $0xfe, %al; out %al, $0x64
        c.put(new byte[] {(byte) 0xEB, (byte) 0xFE});                       // jmp .
        byte[] out = new byte[c.position()];
        c.flip().get(out);
        return out;
    }

    /** A minimal ELF64 executable: one PT_LOAD segment holding {@code code} at {@code address}, entered at its start. */
    static byte[] elf(byte[] code, long address) {
        int headers = 64 + 56;
        ByteBuffer b = ByteBuffer.allocate(headers + code.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x464C457F).put((byte) 2).put((byte) 1).put((byte) 1).put(new byte[9]);  // ident: ELF64, LE, v1
        b.putShort((short) 2).putShort((short) 62).putInt(1);                               // ET_EXEC, EM_X86_64
        b.putLong(address).putLong(64).putLong(0);                                          // entry, phoff, shoff
        b.putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) 1);         // flags, sizes, phnum
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        b.putInt(1).putInt(5).putLong(headers).putLong(address).putLong(address)           // PT_LOAD, R+X
                .putLong(code.length).putLong(code.length).putLong(0x1000);
        b.put(code);
        return b.array();
    }
}
