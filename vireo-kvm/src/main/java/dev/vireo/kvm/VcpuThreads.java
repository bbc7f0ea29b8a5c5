package dev.vireo.kvm;

import dev.vireo.kvm.KvmMachine.EndReason;
import dev.vireo.kvm.KvmMachine.Outcome;
import dev.vireo.kvm.boot.BootPlan;
import dev.vireo.kvm.boot.EntryState;
import dev.vireo.kvm.sys.KvmVmArgs;
import dev.vireo.machine.bus.MmioBus;
import dev.vireo.machine.bus.PioBus;
import dev.vireo.machine.hypervisor.VmExit;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The vCPU threads of one machine ("vireo-vcpu-N", platform threads) and the run state they
 * share: running, paused, or ending. Each thread creates and configures its own
 * {@link KvmVcpu}, waits until all are ready, then loops: park while paused, run the guest,
 * act on the exit.
 *
 * <p>Race-freedom: a state change is made under {@code this} monitor and then every published
 * vCPU is kicked. A thread publishes its vCPU before it first reads the state under the same
 * monitor, so it either sees the new state or is kicked; a kick before KVM_RUN makes that run
 * return at once ({@link KvmVcpu#kick}).
 */
final class VcpuThreads {
    private final KvmVm vm;
    private final BootPlan plan;
    private final PioBus pio;
    private final MmioBus mmio;
    private final Consumer<VmExit> exitObserver;
    private final Thread[] threads;
    private final KvmVcpu[] vcpus;
    private final CountDownLatch ready;
    private boolean paused;
    private int parked;
    private Outcome outcome;

    VcpuThreads(KvmVm vm, BootPlan plan, PioBus pio, MmioBus mmio, Consumer<VmExit> exitObserver) {
        this.vm = vm;
        this.plan = plan;
        this.pio = pio;
        this.mmio = mmio;
        this.exitObserver = exitObserver;
        int n = vm.vcpuCount();
        this.threads = new Thread[n];
        this.vcpus = new KvmVcpu[n];
        this.ready = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().name("vireo-vcpu-" + i).unstarted(() -> vcpuMain(index));
        }
    }

    void start() {
        for (Thread t : threads) t.start();
    }

    private void vcpuMain(int index) {
        KvmVcpu vcpu = null;
        try {
            vcpu = KvmVcpu.create(vm, index, pio, mmio);
            synchronized (this) { vcpus[index] = vcpu; }
            VcpuSetup.configure(vcpu, vm.vcpuCount());
            Optional<EntryState> entry = plan.entryFor(index, vm.vcpuCount());
            if (entry.isPresent()) {
                VcpuSetup.enterLongMode(vcpu, entry.get());
                if (index > 0) vcpu.setMpState(KvmVmArgs.MP_STATE_RUNNABLE);
            } else {
                VcpuSetup.initLapic(vcpu);
            }
            ready.countDown();
            ready.await();
            loop(vcpu);
        } catch (InterruptedException e) {
            end(EndReason.FAILED, "vCPU " + index + " interrupted");
        } catch (RuntimeException | Error e) {
            end(EndReason.FAILED, "vCPU " + index + ": " + e.getMessage());
            while (ready.getCount() > 0) ready.countDown();
        } finally {
            if (vcpu != null) {
                synchronized (this) { vcpus[index] = null; }
                vcpu.close();
            }
            synchronized (this) { notifyAll(); }
        }
    }

    private void loop(KvmVcpu vcpu) throws InterruptedException {
        while (true) {
            synchronized (this) {
                while (paused && outcome == null) {
                    parked++;
                    notifyAll();
                    try {
                        wait();
                    } finally {
                        parked--;
                    }
                }
                if (outcome != null) return;
            }
            VmExit exit = vcpu.run();
            switch (exit) {
                case VmExit.Kicked k -> { }
                case VmExit.Halted h -> { }   // in-kernel LAPIC: HLT waits in the kernel; a stray exit just re-enters
                case VmExit.Reset r -> end(EndReason.RESET, "the guest requested a reset");
                case VmExit.PowerOff p -> end(EndReason.POWER_OFF, "the guest powered off");
                case VmExit.Shutdown s -> end(EndReason.SHUTDOWN, s.state());
                case VmExit.Failure f -> end(EndReason.FAILED, f.detail());
                case VmExit.UnhandledMmio m -> exitObserver.accept(m);
                case VmExit.UnhandledPio p -> exitObserver.accept(p);
            }
        }
    }

    /** Records the VM's end (the first reason wins) and kicks every vCPU out of the guest. */
    void end(EndReason reason, String detail) {
        synchronized (this) {
            if (outcome == null) outcome = new Outcome(reason, detail);
            notifyAll();
        }
        kickAll();
    }

    /** Parks every vCPU outside guest code; returns when all are parked (or the VM was resumed or ended). */
    void pause() {
        synchronized (this) {
            if (outcome != null) return;
            paused = true;
        }
        kickAll();
        synchronized (this) {
            // Done when all live vCPUs are parked, or another thread resumed or ended the VM meanwhile.
            while (paused && outcome == null && parked < liveThreads()) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private int liveThreads() {
        int n = 0;
        for (Thread t : threads) if (t.isAlive()) n++;
        return n;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    synchronized boolean isPaused() { return paused; }

    private void kickAll() {
        synchronized (this) {
            for (KvmVcpu v : vcpus) if (v != null) v.kick();
        }
    }

    Outcome awaitEnd() {
        for (Thread t : threads) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        synchronized (this) { return outcome; }
    }

    Optional<Outcome> awaitEnd(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            for (Thread t : threads) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || !t.join(java.time.Duration.ofMillis(left))) return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        synchronized (this) { return Optional.ofNullable(outcome); }
    }
}
