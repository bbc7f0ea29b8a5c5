package dev.vireo.machine.memory;

/** A guest physical access outside RAM: a device error, reported to the guest, never fatal to the VMM. */
public final class GuestMemoryException extends RuntimeException {
    private final long address;

    public GuestMemoryException(long address, long length) {
        super(String.format("guest address 0x%x (+%d) is outside RAM", address, length), null, false, false);
        this.address = address;
    }

    public long address() { return address; }
}
