package dev.vireo.machine.virtio.net;

/**
 * A virtio-net device's configuration: its name (threads, logs), its MAC address (48 bits in
 * the low bits of {@code mac}), and the receive ring bound (frames held for the guest while it
 * has no buffers posted; beyond that frames are dropped and counted).
 */
public record NetConfig(String name, long mac, int receiveRingFrames) {
    public static final int DEFAULT_RING = 256;

    public NetConfig {
        if ((mac & ~0xFFFF_FFFF_FFFFL) != 0 || (mac & 0x0100_0000_0000L) != 0)
            throw new IllegalArgumentException("NIC " + name + ": MAC must be a 48-bit unicast address");
        if (receiveRingFrames < 1) throw new IllegalArgumentException("receive ring must hold at least one frame");
    }

    public static NetConfig of(String name, long mac) {
        return new NetConfig(name, mac, DEFAULT_RING);
    }
}
