package dev.vireo.net;

import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.ratelimit.RateLimitedLink;
import dev.vireo.net.uplink.IpCommand;
import dev.vireo.net.uplink.PortForward;

import java.util.ArrayList;
import java.util.List;

/**
 * A VM NIC as written on the command line ({@code vireo run --nic SPEC}) and stored by the
 * daemon: the network mode plus an optional fixed MAC. Shared by CLI and daemon.
 *
 * <pre>
 * nat[,hostfwd=tcp:127.0.0.1:8080-:80]…   passt user-mode NAT (default; unprivileged)
 * switch=NAME                             internal network NAME (vireo net serve NAME)
 * hostonly=NAME                           host-only network NAME (served with --host-only)
 * bridge=BRIDGE                           TAP enslaved to host bridge BRIDGE (root)
 * network=NAME                            named network NAME of the daemon (vireo net create);
 *                                         the daemon turns it into one of the above at VM start
 * …,mac=52:54:00:12:34:56                 fixed MAC; otherwise derived from the VM name
 * …,rate=10M                              at most 10 MiB/s each way (token bucket; K, M, G: KiB, MiB, GiB)
 * </pre>
 *
 * @param rate bytes per second each way, or 0 for no limit
 */
public record NicSpec(Mode mode, long mac, long rate) {
    public NicSpec {
        if (rate != 0 && rate < RateLimitedLink.MIN_RATE) throw new IllegalArgumentException("--nic rate=" + rate + " is below the minimum 64K (bytes per second)");
    }

    public NicSpec(Mode mode, long mac) {
        this(mode, mac, 0);
    }

    /** The closed set of network modes; switches over it are exhaustive. */
    public sealed interface Mode {
        record Nat(List<PortForward> forwards) implements Mode {
            public Nat {
                forwards = List.copyOf(forwards);
            }
        }

        record Switch(String network) implements Mode {}

        record HostOnly(String network) implements Mode {}

        record Bridge(String bridge) implements Mode {}

        /** A daemon network by name; only the daemon resolves it (to Nat, Switch, HostOnly or Bridge). */
        record Network(String name) implements Mode {}
    }

    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

    /** Parses SPEC; {@code vmName} gives the stable MAC when the spec has no {@code mac=}. */
    public static NicSpec parse(String spec, String vmName) {
        String[] parts = spec.split(",", -1);
        Mode mode = null;
        List<PortForward> forwards = new ArrayList<>();
        long mac = MacAddress.NONE, rate = 0;
        for (String part : parts) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq), value = eq < 0 ? null : part.substring(eq + 1);
            switch (key) {
                case "nat" -> mode = only(mode, new Mode.Nat(List.of()), spec);
                case "hostfwd" -> forwards.add(PortForward.parse(need(value, key)));
                case "switch" -> mode = only(mode, new Mode.Switch(name(need(value, key), "network")), spec);
                case "hostonly" -> mode = only(mode, new Mode.HostOnly(name(need(value, key), "network")), spec);
                case "bridge" -> mode = only(mode, new Mode.Bridge(IpCommand.checkName("bridge", need(value, key))), spec);
                case "network" -> mode = only(mode, new Mode.Network(name(need(value, key), "network")), spec);
                case "mac" -> {
                    mac = MacAddress.parse(need(value, key));
                    if (MacAddress.isMulticast(mac) || mac == 0)
                        throw new IllegalArgumentException("--nic mac=" + value + " must be a unicast address (first octet even), e.g. 52:54:00:12:34:56");
                }
                case "rate" -> rate = rate(need(value, key));
                default -> throw new IllegalArgumentException("--nic '" + spec + "': unknown part '" + part
                        + "'; use nat[,hostfwd=…], switch=NAME, hostonly=NAME, bridge=BRIDGE or network=NAME, and optionally mac=… and rate=…");
            }
        }
        if (mode == null) {
            if (!forwards.isEmpty()) mode = new Mode.Nat(forwards);
            else throw new IllegalArgumentException("--nic '" + spec + "' names no mode; use nat, switch=NAME, hostonly=NAME, bridge=BRIDGE or network=NAME");
        } else if (!forwards.isEmpty()) {
            if (!(mode instanceof Mode.Nat)) throw new IllegalArgumentException("--nic '" + spec + "': hostfwd= works only with nat");
            mode = new Mode.Nat(forwards);
        }
        return new NicSpec(mode, mac == MacAddress.NONE ? MacAddress.derive(vmName) : mac, rate);
    }

    /** {@code rate=N[K|M|G]}: bytes per second, binary multiples. */
    private static long rate(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})([KMG]?)").matcher(value);
        if (!m.matches()) throw new IllegalArgumentException("--nic rate=" + value + " is not a rate; give bytes per second such as 512K or 10M");
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
    }

    /** The same NIC on another mode, keeping its MAC (the daemon resolving {@code network=NAME}). */
    public NicSpec withMode(Mode newMode) {
        return new NicSpec(newMode, mac, rate);
    }

    private static Mode only(Mode existing, Mode next, String spec) {
        if (existing != null) throw new IllegalArgumentException("--nic '" + spec + "' names two modes; give one NIC per --nic");
        return next;
    }

    private static String need(String value, String key) {
        if (value == null || value.isEmpty()) throw new IllegalArgumentException("--nic " + key + "= needs a value");
        return value;
    }

    private static String name(String value, String what) {
        if (!value.matches(NAME)) throw new IllegalArgumentException(what + " name '" + value + "' must be 1-64 letters, digits, '.', '_' or '-'");
        return value;
    }

    /** The spec in its canonical text form (what {@code vm info} shows). */
    @Override
    public String toString() {
        String m = switch (mode) {
            case Mode.Nat nat -> "nat" + nat.forwards().stream().map(f -> ",hostfwd=" + f).reduce("", String::concat);
            case Mode.Switch s -> "switch=" + s.network();
            case Mode.HostOnly h -> "hostonly=" + h.network();
            case Mode.Bridge b -> "bridge=" + b.bridge();
            case Mode.Network n -> "network=" + n.name();
        };
        return m + ",mac=" + MacAddress.format(mac) + (rate == 0 ? "" : ",rate=" + rate);
    }
}
