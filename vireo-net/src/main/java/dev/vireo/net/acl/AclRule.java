package dev.vireo.net.acl;

import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.frame.PacketView;

/**
 * One ordered ACL rule. Unset matchers are {@code null} ({@link MacAddress#NONE} for MACs)
 * and match everything. Source and destination are those of the frame, whatever the
 * direction: a rule "allow in tcp dport=22" admits SSH into the VM.
 */
public record AclRule(AclAction action, Direction direction, AclProtocol protocol,
                      long sourceMac, long destinationMac,
                      IpPrefix source, IpPrefix destination,
                      PortRange sourcePorts, PortRange destinationPorts) {
    public AclRule {
        if ((sourcePorts != null || destinationPorts != null) && !protocol.hasPorts())
            throw new IllegalArgumentException("port ranges need proto=tcp or proto=udp (rule has proto="
                    + protocol.name().toLowerCase() + ")");
    }

    public boolean matches(PacketView p, Direction d) {
        if (!direction.covers(d) || !protocol.matches(p)) return false;
        if (sourceMac != MacAddress.NONE && p.sourceMac() != sourceMac) return false;
        if (destinationMac != MacAddress.NONE && p.destinationMac() != destinationMac) return false;
        if (source != null && !source.contains(p.ipVersion(), p.sourceHigh(), p.sourceLow())) return false;
        if (destination != null && !destination.contains(p.ipVersion(), p.destinationHigh(), p.destinationLow())) return false;
        // Non-first fragments carry no ports: a port rule cannot vouch for them.
        if (sourcePorts != null && (p.fragment() && p.sourcePort() == 0 || !sourcePorts.contains(p.sourcePort()))) return false;
        if (destinationPorts != null && (p.fragment() && p.destinationPort() == 0 || !destinationPorts.contains(p.destinationPort()))) return false;
        return true;
    }

    /** The rule in the file syntax of {@link AclFile}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(action.name().toLowerCase()).append(' ').append(direction.name().toLowerCase());
        if (protocol != AclProtocol.ANY) sb.append(" proto=").append(protocol.name().toLowerCase());
        if (sourceMac != MacAddress.NONE) sb.append(" smac=").append(MacAddress.format(sourceMac));
        if (destinationMac != MacAddress.NONE) sb.append(" dmac=").append(MacAddress.format(destinationMac));
        if (source != null) sb.append(" src=").append(source);
        if (destination != null) sb.append(" dst=").append(destination);
        if (sourcePorts != null) sb.append(" sport=").append(sourcePorts);
        if (destinationPorts != null) sb.append(" dport=").append(destinationPorts);
        return sb.toString();
    }
}
