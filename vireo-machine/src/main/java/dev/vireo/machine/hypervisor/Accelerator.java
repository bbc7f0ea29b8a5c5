package dev.vireo.machine.hypervisor;

import dev.vireo.machine.boot.GuestArchitecture;

import java.util.Locale;
import java.util.Optional;

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
     * @param hostArchitecture the host's architecture (KVM runs only guests of the host's own), or
     *                         null if Vireo has no hardware backend for it (see {@link #hostArchitecture})
     * @param kvm              the KVM backend, asked (at most once) whether it is usable here
     * @throws IllegalArgumentException if the choice cannot run this guest (the message says why and what to use)
     */
    public Accelerator resolve(GuestArchitecture architecture, GuestArchitecture hostArchitecture, Hypervisor kvm) {
        // Vireo's KVM backend is x86-64 only; the emulator is RISC-V only.
        boolean hostHasKvmBackend = hostArchitecture == GuestArchitecture.X86_64;
        boolean hardwareCanRun = hostHasKvmBackend && architecture == GuestArchitecture.X86_64;
        boolean emulatorCanRun = architecture == GuestArchitecture.RISCV64;
        String orEmulate = emulatorCanRun ? "; use --accel emulate" : "";
        return switch (this) {
            case KVM -> {
                if (!hostHasKvmBackend) {
                    throw new IllegalArgumentException("--accel kvm: Vireo's KVM backend needs an x86-64 host, this one is "
                            + System.getProperty("os.arch") + orEmulate);
                }
                if (!hardwareCanRun) {
                    throw new IllegalArgumentException("--accel kvm runs x86-64 guests, but the kernel is "
                            + architecture.displayName() + orEmulate);
                }
                kvm.unavailableReason().ifPresent(reason -> {
                    throw new IllegalArgumentException("--accel kvm: KVM is not usable on this host (" + reason + ")");
                });
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
                Optional<String> kvmProblem = hardwareCanRun ? kvm.unavailableReason() : Optional.empty();
                if (hardwareCanRun && kvmProblem.isEmpty()) yield KVM;
                if (emulatorCanRun) yield EMULATE;
                throw new IllegalArgumentException("no backend can run this " + architecture.displayName() + " kernel here: "
                        + kvmProblem.map(p -> "KVM is not usable on this host (" + p + ")")
                                .orElse("the KVM backend needs an x86-64 host, this one is " + System.getProperty("os.arch")));
            }
        };
    }

    /**
     * The host's architecture as a guest architecture, or null if Vireo has no hardware backend
     * for it (an aarch64 host, say: there only the emulator runs, and only RISC-V guests).
     */
    public static GuestArchitecture hostArchitecture() {
        return switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> GuestArchitecture.X86_64;
            case "riscv64" -> GuestArchitecture.RISCV64;
            default -> null;
        };
    }
}
