package dev.vireo.net.acl;

import dev.vireo.net.frame.MacAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ACL file format (documented in docs/networking.md): sections per switch port, one
 * rule per line, first match wins.
 *
 * <pre>
 * # comment
 * [port web]                 # the port name is the VM name ('*' = ports without a section)
 * default deny               # policy when no rule matches (allow if omitted)
 * allow both proto=arp
 * allow in proto=tcp dport=80-443 src=10.0.0.0/24
 * deny out proto=udp dst=fd00::/64 dport=53
 * allow both proto=icmp smac=52:54:00:12:34:56
 * </pre>
 *
 * Keys: {@code proto} (any arp ipv4 ipv6 ip tcp udp icmp icmpv6), {@code smac}, {@code dmac},
 * {@code src}, {@code dst} (IPv4/IPv6 prefixes), {@code sport}, {@code dport} (N or N-M,
 * tcp/udp only). Directions: {@code in} (to the VM), {@code out} (from the VM), {@code both}.
 */
public final class AclFile {
    /** The section that applies to ports the file does not name. */
    public static final String ANY_PORT = "*";

    private AclFile() {}

    public static Map<String, Acl> read(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    /** Parses {@code text}; errors name {@code source} and the line number. */
    public static Map<String, Acl> parse(String text, String source) {
        Map<String, List<AclRule>> rules = new LinkedHashMap<>();
        Map<String, AclAction> defaults = new LinkedHashMap<>();
        String port = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String where = source + ":" + (i + 1) + ": ";
            try {
                if (line.startsWith("[")) {
                    if (!line.endsWith("]") || !line.substring(1).startsWith("port "))
                        throw new IllegalArgumentException("section header must be [port NAME]");
                    port = line.substring(6, line.length() - 1).strip();
                    if (port.isEmpty() || rules.containsKey(port))
                        throw new IllegalArgumentException("port name missing or section '" + port + "' repeated");
                    rules.put(port, new ArrayList<>());
                    continue;
                }
                if (port == null) throw new IllegalArgumentException("rules must follow a [port NAME] section header");
                String[] words = line.split("\\s+");
                if (words[0].equals("default")) {
                    if (words.length != 2) throw new IllegalArgumentException("write 'default allow' or 'default deny'");
                    defaults.put(port, action(words[1]));
                    continue;
                }
                rules.get(port).add(rule(words));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        Map<String, Acl> acls = new LinkedHashMap<>();
        rules.forEach((name, list) -> acls.put(name, new Acl(list, defaults.getOrDefault(name, AclAction.ALLOW))));
        return acls;
    }

    /** Parses one rule line split into words: {@code ACTION DIRECTION key=value…}. */
    public static AclRule rule(String[] words) {
        if (words.length < 2) throw new IllegalArgumentException("a rule is 'allow|deny in|out|both key=value…'");
        AclAction action = action(words[0]);
        Direction direction = switch (words[1].toLowerCase(Locale.ROOT)) {
            case "in" -> Direction.IN;
            case "out" -> Direction.OUT;
            case "both" -> Direction.BOTH;
            default -> throw new IllegalArgumentException("direction '" + words[1] + "' must be in, out or both");
        };
        AclProtocol protocol = AclProtocol.ANY;
        long smac = MacAddress.NONE, dmac = MacAddress.NONE;
        IpPrefix src = null, dst = null;
        PortRange sport = null, dport = null;
        for (int k = 2; k < words.length; k++) {
            int eq = words[k].indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("'" + words[k] + "' must be key=value");
            String key = words[k].substring(0, eq), value = words[k].substring(eq + 1);
            switch (key) {
                case "proto" -> {
                    try {
                        protocol = AclProtocol.valueOf(value.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("proto '" + value + "' must be one of any arp ipv4 ipv6 ip tcp udp icmp icmpv6");
                    }
                }
                case "smac" -> smac = MacAddress.parse(value);
                case "dmac" -> dmac = MacAddress.parse(value);
                case "src" -> src = IpPrefix.parse(value);
                case "dst" -> dst = IpPrefix.parse(value);
                case "sport" -> sport = PortRange.parse(value);
                case "dport" -> dport = PortRange.parse(value);
                default -> throw new IllegalArgumentException("unknown key '" + key + "' (use proto smac dmac src dst sport dport)");
            }
        }
        return new AclRule(action, direction, protocol, smac, dmac, src, dst, sport, dport);
    }

    private static AclAction action(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "allow" -> AclAction.ALLOW;
            case "deny" -> AclAction.DENY;
            default -> throw new IllegalArgumentException("action '" + word + "' must be allow or deny");
        };
    }
}
