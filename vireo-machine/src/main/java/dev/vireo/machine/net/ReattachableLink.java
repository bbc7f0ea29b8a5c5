package dev.vireo.machine.net;

/**
 * Keeps one network link across device lifetimes: a guest reboot builds a fresh machine and
 * fresh NIC devices, but the passt process or switch connection behind the NIC should stay.
 * Each device calls {@link #start} (re-pointing received frames at itself); its
 * {@link #close} does nothing, so the order in which an old machine is closed and a new one
 * built does not matter (a closed device ignores frames). {@link #closeLink} ends the real
 * link when the VM run ends.
 */
public final class ReattachableLink implements FrameLink {
    private final FrameLink link;
    private volatile Receiver receiver;
    private volatile Runnable linkListener;

    public ReattachableLink(FrameLink link) {
        this.link = link;
        link.start((frame, offset, length) -> {
            Receiver r = receiver;
            if (r != null) r.receive(frame, offset, length);
        });
        link.onLinkChange(() -> {
            Runnable l = linkListener;
            if (l != null) l.run();
        });
    }

    @Override
    public boolean linkUp() { return link.linkUp(); }

    /** The current device's listener replaces the previous device's. */
    @Override
    public void onLinkChange(Runnable listener) { this.linkListener = listener; }

    @Override
    public void start(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean send(byte[] frame, int offset, int length) {
        return link.send(frame, offset, length);
    }

    @Override
    public String describe() {
        return link.describe();
    }

    /** A device is done with the link; the link stays up for the next device. */
    @Override
    public void close() {
        // Deliberately empty: the next device's start() replaces the receiver.
    }

    /** Closes the underlying link. */
    public void closeLink() {
        receiver = null;
        link.close();
    }
}
