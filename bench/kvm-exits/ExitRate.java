import dev.vireo.kvm.KvmMachine;
import dev.vireo.kvm.KvmMachineConfig;
import dev.vireo.machine.hypervisor.VmExit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Vireo's side of bench/kvm-exits: boots guest.elf on the KVM backend and prints port-write
 * exits per second between the guest's two port-0x80 marks (the port 0x3FF writes go to the
 * UART's scratch register through the PIO bus, as any device exit does).
 * Usage: java -cp <classes> ExitRate.java guest.elf iterations
 */
public final class ExitRate {
    public static void main(String[] args) {
        Path guest = Path.of(args[0]);
        long iterations = Long.parseLong(args[1]);
        List<Long> marks = new CopyOnWriteArrayList<>();
        KvmMachine.Outcome outcome = KvmMachine.boot(KvmMachineConfig.of(guest, 4L << 20, 1).withExitObserver(exit -> {
            if (exit instanceof VmExit.UnhandledPio p && p.port() == 0x80) marks.add(System.nanoTime());
        }));
        if (outcome.reason() != KvmMachine.EndReason.RESET || marks.size() != 2) {
            System.err.println("guest did not finish: " + outcome);
            System.exit(1);
        }
        System.out.printf("%.0f%n", iterations / ((marks.get(1) - marks.get(0)) / 1e9));
    }
}
