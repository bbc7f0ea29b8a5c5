package dev.vireo.machine.hypervisor;

import dev.vireo.machine.boot.GuestArchitecture;

import java.util.Locale;

/**
 * The {@code --accel} choice of {@code vireo run}: hardware assistance, emulation, or whichever
 * can run the guest's architecture, preferring hardware. {@link #resolve} turns {@code auto}
 * into a concrete backend and rejects pairings that cannot work, with a message that says what
 * to do instead.
 */
public enum Accelerator {
    KVM, EMULATE, AUTO;

    /** Parses the CLI spelling ({@code kvm}, {@code emulate}, {@code auto}). */
    public static Accelerator parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown accelerator '" + text + "': use kvm, emulate or auto");
        }
    }

    /** The CLI spelling. */
    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /**
     * The backend that runs a guest of {@code architecture}: {@link #KVM} or {@link #EMULATE}.
     *
     * @param hostArchitecture the host's architecture (KVM runs only guests of the host's own)
     * @param kvm              the KVM backend, asked whether it is usable here
     * @throws IllegalArgumentException if the choice cannot run this guest (the message says why and what to use)
     */
    public Accelerator resolve(GuestArchitecture architecture, GuestArchitecture hostArchitecture, Hypervisor kvm) {
        boolean hardwareCanRun = architecture == hostArchitecture;
        boolean emulatorCanRun = architecture == GuestArchitecture.RISCV64;
        return switch (this) {
            case KVM -> {
                if (!hardwareCanRun) {
                    throw new IllegalArgumentException("--accel kvm runs " + hostArchitecture.displayName()
                            + " guests on this host, but the kernel is " + architecture.displayName()
                            + (emulatorCanRun ? "; use --accel emulate" : ""));
                }
                if (!kvm.available()) throw new IllegalArgumentException("--accel kvm: KVM is not usable on this host; use --accel emulate with a RISC-V kernel");
                yield KVM;
            }
            case EMULATE -> {
                if (!emulatorCanRun) {
                    throw new IllegalArgumentException("the emulator runs RISC-V guests, but the kernel is "
                            + architecture.displayName() + (hardwareCanRun ? "; use --accel kvm" : ""));
                }
                yield EMULATE;
            }
            case AUTO -> {
                if (hardwareCanRun && kvm.available()) yield KVM;
                if (emulatorCanRun) yield EMULATE;
                throw new IllegalArgumentException("no backend can run this " + architecture.displayName()
                        + " kernel here: " + (hardwareCanRun ? "KVM is not usable on this host" : "it is not the host's architecture"));
            }
        };
    }

    /** The host's architecture as a guest architecture, if Vireo knows it. */
    public static GuestArchitecture hostArchitecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> GuestArchitecture.X86_64;
            case "riscv64" -> GuestArchitecture.RISCV64;
            default -> throw new IllegalStateException("unsupported host architecture " + arch);
        };
    }
}
