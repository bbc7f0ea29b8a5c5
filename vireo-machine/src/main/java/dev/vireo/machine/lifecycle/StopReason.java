package dev.vireo.machine.lifecycle;

/**
 * Why a running machine stopped. A closed set shared by every backend (emulated RISC-V,
 * KVM): callers switch over it exhaustively to choose an exit status or a restart.
 */
public sealed interface StopReason {
    /** The guest powered the machine off (sifive_test 0x5555, ACPI S5, ...). */
    record PowerOff() implements StopReason {}

    /** The guest asked for a reset; the runner boots a fresh machine from the same config. */
    record Reboot() implements StopReason {}

    /** The guest reported failure with an exit code (sifive_test 0x3333 | code << 16). */
    record GuestFailure(int code) implements StopReason {}

    /** The host asked the machine to stop (a signal, the console escape, an API call). */
    record HostRequest(String why) implements StopReason {}

    /** The emulator or hypervisor failed (a vCPU crashed); {@code report} says where. */
    record Fault(String report) implements StopReason {}

    /** A one-line description for logs and CLI messages. */
    default String describe() {
        return switch (this) {
            case PowerOff p -> "guest powered off";
            case Reboot r -> "guest rebooted";
            case GuestFailure f -> "guest reported failure (code " + f.code() + ")";
            case HostRequest h -> "stopped by host: " + h.why();
            case Fault f -> "machine fault: " + f.report();
        };
    }
}
