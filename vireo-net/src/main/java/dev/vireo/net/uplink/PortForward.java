package dev.vireo.net.uplink;

/**
 * A host→guest port forward from {@code hostfwd=PROTO:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT}
 * (QEMU's syntax). An empty host address binds every host address, as QEMU does; write
 * {@code 127.0.0.1} to keep a forward private to this host.
 */
public record PortForward(Protocol protocol, String hostAddress, int hostPort, int guestPort) {
    public enum Protocol { TCP, UDP }

    public PortForward {
        if (hostPort < 1 || hostPort > 65535 || guestPort < 1 || guestPort > 65535)
            throw new IllegalArgumentException("hostfwd ports must be 1..65535");
        if (!hostAddress.isEmpty() && !hostAddress.matches("[0-9.]{7,15}|[0-9a-fA-F:]{2,39}"))
            throw new IllegalArgumentException("hostfwd host address '" + hostAddress + "' must be an IP address such as 127.0.0.1");
    }

    /** Parses the value after {@code hostfwd=}: {@code tcp:127.0.0.1:8080-:80}. */
    public static PortForward parse(String text) {
        String usage = "hostfwd '" + text + "' must look like tcp:127.0.0.1:8080-:80 or udp::5353-:53";
        int colon = text.indexOf(':');
        int dash = text.lastIndexOf('-');
        if (colon < 0 || dash < colon) throw new IllegalArgumentException(usage);
        Protocol protocol = switch (text.substring(0, colon)) {
            case "tcp", "" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new IllegalArgumentException(usage);
        };
        String host = text.substring(colon + 1, dash), guest = text.substring(dash + 1);
        int hostColon = host.lastIndexOf(':'), guestColon = guest.lastIndexOf(':');
        if (hostColon < 0 || guestColon < 0) throw new IllegalArgumentException(usage);
        if (!guest.substring(0, guestColon).isEmpty())
            throw new IllegalArgumentException("hostfwd '" + text + "': the guest address is the guest's own DHCP address; leave it empty (…-:80)");
        try {
            return new PortForward(protocol, host.substring(0, hostColon), Integer.parseInt(host.substring(hostColon + 1)),
                    Integer.parseInt(guest.substring(guestColon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage, e);
        }
    }

    /** passt's port specification: {@code [ADDR/]HOSTPORT:GUESTPORT}. */
    String passtSpec() {
        return (hostAddress.isEmpty() ? "" : hostAddress + "/") + hostPort + ":" + guestPort;
    }

    @Override
    public String toString() {
        return protocol.name().toLowerCase() + ":" + hostAddress + ":" + hostPort + "-:" + guestPort;
    }
}
