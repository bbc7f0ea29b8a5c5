package dev.vireo.net.acl;

import dev.vireo.net.frame.PacketView;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A port's ordered rule list and default policy; the first matching rule decides. Counts
 * hits per rule (index {@code rules.size()} is the default policy). Immutable apart from
 * its counters; replace the whole ACL to change it.
 */
public final class Acl {
    public static final Acl ALLOW_ALL = new Acl(List.of(), AclAction.ALLOW);

    private final List<AclRule> rules;
    private final AclAction defaultAction;
    private final AtomicLongArray hits;

    public Acl(List<AclRule> rules, AclAction defaultAction) {
        this.rules = List.copyOf(rules);
        this.defaultAction = defaultAction;
        this.hits = new AtomicLongArray(this.rules.size() + 1);
    }

    /** Decides {@code packet} travelling in {@code direction}; counts the deciding rule. */
    public AclAction evaluate(PacketView packet, Direction direction) {
        for (int i = 0, n = rules.size(); i < n; i++) {
            AclRule rule = rules.get(i);
            if (rule.matches(packet, direction)) {
                hits.incrementAndGet(i);
                return rule.action();
            }
        }
        hits.incrementAndGet(rules.size());
        return defaultAction;
    }

    public List<AclRule> rules() { return rules; }

    public AclAction defaultAction() { return defaultAction; }

    /** Frames rule {@code index} decided. */
    public long hits(int index) { return hits.get(index); }

    /** Frames the default policy decided. */
    public long defaultHits() { return hits.get(rules.size()); }

    /** A rule-by-rule listing with counters, for {@code vireo net acl show} and logs. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rules.size(); i++)
            sb.append(String.format("%4d  %-60s %d%n", i + 1, rules.get(i), hits(i)));
        sb.append(String.format("      %-60s %d%n", "default " + defaultAction.name().toLowerCase(), defaultHits()));
        return sb.toString();
    }
}
