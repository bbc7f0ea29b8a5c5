package dev.vireo.daemon.network;

import dev.vireo.daemon.ApiException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The closed set of named-network modes (docs/networking.md). A switch over it is exhaustive,
 * so a new mode cannot be forgotten where VM NICs are resolved.
 */
public enum NetworkMode {
    /** Each VM NIC gets its own passt (user-mode NAT); the daemon runs nothing. */
    nat,
    /** A switch in the daemon that only the network's VMs reach; optionally Vireo's DHCP. */
    internal,
    /** A switch in the daemon with a host TAP holding the host's address and Vireo's DHCP (root). */
    hostonly,
    /** Each VM NIC is a TAP enslaved to an existing host bridge (root). */
    bridge;

    /** Whether the daemon runs a switch for networks of this mode. */
    public boolean hasSwitch() {
        return switch (this) {
            case internal, hostonly -> true;
            case nat, bridge -> false;
        };
    }

    public static NetworkMode parse(String text) {
        if (text == null || text.isEmpty()) throw ApiException.badRequest("a network needs a mode; give --mode " + choices());
        try {
            return valueOf(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("network mode '" + text + "' is unknown; use " + choices());
        }
    }

    private static String choices() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining("|"));
    }
}
