package dev.vireo.net.vswitch;

/**
 * A port mirror (SPAN): copies of frames go to a sink, through a bounded queue of their own so
 * that a slow capture never slows the switch. Without a port filter every frame is mirrored
 * once, as it entered the switch; with one, the frames that port sent and received, as they
 * crossed that port.
 */
public final class Mirror implements AutoCloseable {
    private final VirtualSwitch owner;
    private final String portName; // null = every port
    final EgressQueue queue;

    Mirror(VirtualSwitch owner, String portName, EgressQueue queue) {
        this.owner = owner;
        this.portName = portName;
        this.queue = queue;
    }

    boolean watches(SwitchPort port) {
        return portName == null || portName.equals(port.name());
    }

    boolean watchesAll() {
        return portName == null;
    }

    /** Frames lost because the capture could not keep up. */
    public long droppedFrames() { return queue.fullDrops(); }

    public long capturedFrames() { return queue.sentFrames(); }

    @Override
    public void close() {
        owner.removeMirror(this);
        queue.close();
    }
}
