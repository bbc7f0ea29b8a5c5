package dev.vireo.machine.net;

/**
 * The boundary between a guest NIC model (virtio-net) and the network behind it: a
 * bidirectional pipe of whole Ethernet frames (no FCS, no virtio header). Implemented in
 * {@code vireo-net} by the switch transport, the passt NAT uplink and TAP devices, so a
 * device never knows which kind of network it is on.
 *
 * <p>Threads: {@link #send} is called by the NIC's I/O thread and must not block for long
 * (drop and count instead). Frames from the network reach the {@link Receiver} on the link's
 * own reader thread; the receiver copies what it keeps, since the buffer is reused.
 */
public interface FrameLink extends AutoCloseable {
    /** Gets frames from the network; {@code frame} is only valid during the call. */
    @FunctionalInterface
    interface Receiver {
        void receive(byte[] frame, int offset, int length);
    }

    /** Starts delivering received frames to {@code receiver}; call once. */
    void start(Receiver receiver);

    /** Sends one frame; returns false when it was dropped (link down, peer slow, frame invalid). */
    boolean send(byte[] frame, int offset, int length);

    /**
     * Whether the link carries frames now (a switch connection that is up, a passt process
     * that runs). The NIC reports it to the guest as its link status (virtio-net STATUS).
     */
    default boolean linkUp() { return true; }

    /**
     * Registers the one listener told (on the link's own thread) after {@link #linkUp()}
     * changed. Links whose state never changes ignore it.
     */
    default void onLinkChange(Runnable listener) {}

    /** A short description for logs and {@code vm info}: "switch lab (/run/…/lab.sock)". */
    String describe();

    /** Stops the reader thread and releases the link's socket or device. */
    @Override
    void close();
}
