package dev.vireo.net.vswitch;

import java.util.Set;

/** A port's 802.1Q mode: an access port in one VLAN, or a trunk carrying several. */
public sealed interface PortVlan {
    int DEFAULT_VLAN = 1;

    /** Untagged frames in and out, all in {@code vlan}; tagged frames from the VM are dropped. */
    record Access(int vlan) implements PortVlan {
        public Access {
            checkVlan(vlan);
        }
    }

    /**
     * Tagged frames for {@code allowed} VLANs (empty = all 1..4094); untagged frames belong to
     * {@code nativeVlan} (0 = untagged frames are dropped) and leave untagged.
     */
    record Trunk(int nativeVlan, Set<Integer> allowed) implements PortVlan {
        public Trunk {
            if (nativeVlan != 0) checkVlan(nativeVlan);
            allowed.forEach(PortVlan::checkVlan);
            allowed = Set.copyOf(allowed);
        }

        @Override
        public boolean carries(int vlan) {
            return vlan == nativeVlan || allowed.isEmpty() || allowed.contains(vlan);
        }
    }

    static PortVlan access() {
        return new Access(DEFAULT_VLAN);
    }

    /** Whether frames of {@code vlan} may leave through this port. */
    default boolean carries(int vlan) {
        return this instanceof Access a && a.vlan() == vlan;
    }

    /** The tag to put on a frame of {@code vlan} leaving this port, or -1 for untagged. */
    default int egressTag(int vlan) {
        return switch (this) {
            case Access a -> -1;
            case Trunk t -> vlan == t.nativeVlan() ? -1 : vlan;
        };
    }

    private static void checkVlan(int vlan) {
        if (vlan < 1 || vlan > 4094) throw new IllegalArgumentException("VLAN " + vlan + " must be 1..4094");
    }
}
