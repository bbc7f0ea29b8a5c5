package dev.vireo.kvm;

import dev.vireo.kvm.sys.Kvm;
import dev.vireo.machine.hypervisor.Hypervisor;
import dev.vireo.machine.nativeio.NativeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Linux KVM on this host ({@code /dev/kvm}). Stateless: each {@link KvmVm} opens its own
 * handle, so VMs share nothing in this process.
 */
public final class KvmHypervisor implements Hypervisor {
    public static final Path DEVICE = Path.of("/dev/kvm");
    private static final int ENOENT = 2, EACCES = 13, EPERM = 1;

    @Override
    public String name() { return "kvm"; }

    @Override
    public boolean available() { return unavailableReason().isEmpty(); }

    /** Why KVM cannot be used here, or empty if it can. Opens and closes /dev/kvm once. */
    public Optional<String> unavailableReason() {
        try {
            int fd = openDevice();
            Kvm.close(fd);
            return Optional.empty();
        } catch (KvmException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Opens /dev/kvm and checks its API version; the caller owns the returned fd. */
    static int openDevice() {
        if (!Files.exists(DEVICE)) {
            throw new KvmException(DEVICE + " not found: this host has no KVM (load kvm_intel or kvm_amd, or use --accel emulate)");
        }
        int fd;
        try {
            fd = Kvm.open(DEVICE.toString());
        } catch (NativeException e) {
            if (e.errno() == EACCES || e.errno() == EPERM) {
                throw new KvmException("no permission to open " + DEVICE + ": add your user to the 'kvm' group", e);
            }
            if (e.errno() == ENOENT) throw new KvmException(DEVICE + " not found: this host has no KVM", e);
            throw new KvmException("cannot open " + DEVICE + ": " + e.getMessage(), e);
        }
        int version = Kvm.ioctl(fd, Kvm.GET_API_VERSION, 0, "KVM_GET_API_VERSION");
        if (version != Kvm.API_VERSION) {
            Kvm.close(fd);
            throw new KvmException(DEVICE + " speaks KVM API " + version + "; Vireo needs " + Kvm.API_VERSION);
        }
        return fd;
    }
}
