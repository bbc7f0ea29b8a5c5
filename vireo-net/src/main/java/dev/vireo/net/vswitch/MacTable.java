package dev.vireo.net.vswitch;

/**
 * The forwarding database: (VLAN, MAC) → port index, with ageing. Open addressing with
 * linear probing over primitive arrays, so learning and lookup allocate nothing; deletion
 * shifts later entries back (no tombstones). Bounded: at most {@code capacity} entries in
 * all and {@code perPortLimit} per port, so a guest inventing source MACs cannot grow it
 * nor evict every other port's entries. Not thread-safe: the switch calls it under its lock.
 */
final class MacTable {
    private static final long EMPTY = -1;

    private final long[] keys;
    private final int[] ports;
    private final long[] lastSeen;
    private final int[] perPort;
    private final int mask, capacity, perPortLimit;
    private final long ageingNanos;
    private int size;
    private long refused;

    MacTable(int capacity, int maxPorts, int perPortLimit, long ageingNanos) {
        int slots = Integer.highestOneBit(Math.max(capacity, 8) * 2 - 1) * 2;
        this.keys = new long[slots];
        java.util.Arrays.fill(keys, EMPTY);
        this.ports = new int[slots];
        this.lastSeen = new long[slots];
        this.perPort = new int[maxPorts];
        this.mask = slots - 1;
        this.capacity = capacity;
        this.perPortLimit = perPortLimit;
        this.ageingNanos = ageingNanos;
    }

    static long key(int vlan, long mac) {
        return ((long) vlan << 48) | mac;
    }

    /** Learns or refreshes {@code key} on {@code port}; returns false if a limit refused it. */
    boolean learn(long key, int port, long now) {
        int i = slot(key);
        if (keys[i] == key) {
            if (ports[i] != port) {           // the station moved
                perPort[ports[i]]--;
                if (perPort[port] >= perPortLimit) {
                    remove(i);
                    refused++;
                    return false;
                }
                perPort[port]++;
                ports[i] = port;
            }
            lastSeen[i] = now;
            return true;
        }
        if (size >= capacity || perPort[port] >= perPortLimit) {
            refused++;
            return false;
        }
        keys[i] = key;
        ports[i] = port;
        lastSeen[i] = now;
        perPort[port]++;
        size++;
        return true;
    }

    /** The port for {@code key}, or -1 when unknown or aged out. */
    int lookup(long key, long now) {
        int i = slot(key);
        if (keys[i] != key) return -1;
        if (now - lastSeen[i] > ageingNanos) {
            remove(i);
            return -1;
        }
        return ports[i];
    }

    /** Removes every entry of {@code port} (detached) or, with port -1, every aged entry. */
    void purge(int port, long now) {
        for (int i = 0; i < keys.length; i++) {
            while (keys[i] != EMPTY && (port >= 0 ? ports[i] == port : now - lastSeen[i] > ageingNanos)) remove(i);
        }
    }

    int size() { return size; }

    long refused() { return refused; }

    int countForPort(int port) { return perPort[port]; }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private int slot(long key) {
        int i = (int) (mix(key) & mask);
        while (keys[i] != EMPTY && keys[i] != key) i = (i + 1) & mask;
        return i;
    }

    private void remove(int i) {
        perPort[ports[i]]--;
        size--;
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == EMPTY) break;
            int home = (int) (mix(keys[j]) & mask);
            // Move j into the hole unless its home lies cyclically in (hole, j].
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                keys[hole] = keys[j];
                ports[hole] = ports[j];
                lastSeen[hole] = lastSeen[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
    }

    private static long mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
