package dev.vireo.net.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The first message on a switch connection says who connects; every later message is one
 * Ethernet frame (switch → client and, for ports, client → switch).
 *
 * <pre>
 * client → switch   "VIREO-NET/1 port NAME"      a NIC attaches as port NAME (the VM name)
 *                   "VIREO-NET/1 mirror [NAME]"  a capture: copies of all frames, or of port NAME's
 * switch → client   "OK"  |  "ERROR reason and what to do"
 * </pre>
 *
 * Names are 1-64 characters of [A-Za-z0-9_.-]; anything else is refused.
 */
public record Handshake(Role role, String name) {
    public enum Role { PORT, MIRROR }

    static final String MAGIC = "VIREO-NET/1";
    static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

    public Handshake {
        if (name != null && !name.matches(NAME_PATTERN))
            throw new IllegalArgumentException("port name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        if (role == Role.PORT && name == null) throw new IllegalArgumentException("a port needs a name");
    }

    byte[] encode() {
        String text = MAGIC + " " + (role == Role.PORT ? "port" : "mirror") + (name == null ? "" : " " + name);
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    static Handshake decode(byte[] message, int length) throws IOException {
        String text = new String(message, 0, Math.max(0, Math.min(length, 200)), StandardCharsets.US_ASCII);
        String[] words = text.split(" ");
        if (words.length < 2 || words.length > 3 || !words[0].equals(MAGIC))
            throw new IOException("not a Vireo network client (bad greeting)");
        String name = words.length == 3 ? words[2] : null;
        try {
            return switch (words[1]) {
                case "port" -> new Handshake(Role.PORT, name);
                case "mirror" -> new Handshake(Role.MIRROR, name);
                default -> throw new IOException("unknown role '" + words[1] + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Sends the greeting on {@code socket} and waits for the switch's answer. */
    static void greet(SeqpacketSocket socket, Handshake hello) throws IOException {
        byte[] bytes = hello.encode();
        socket.send(bytes, 0, bytes.length);
        byte[] answer = new byte[512];
        int n = socket.receive(answer);
        if (n < 0) throw new IOException("the switch closed the connection during the handshake");
        String text = new String(answer, 0, Math.min(n, answer.length), StandardCharsets.US_ASCII);
        if (!text.equals("OK")) throw new IOException(text.startsWith("ERROR ") ? text.substring(6) : "unexpected answer: " + text);
    }
}
