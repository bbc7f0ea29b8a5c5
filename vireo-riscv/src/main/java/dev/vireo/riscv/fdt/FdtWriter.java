package dev.vireo.riscv.fdt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a flattened device tree blob (Devicetree Specification v0.4, chapter 5), version 17.
 * Nodes are opened and closed in order ({@link #beginNode}/{@link #endNode}); properties go
 * to the innermost open node. All cells are big-endian, as the format requires.
 *
 * <pre>
 * header (40 bytes) | memory reservation map | structure block | strings block
 * header: magic 0xd00dfeed, totalsize, off_dt_struct, off_dt_strings, off_mem_rsvmap,
 *         version 17, last_comp_version 16, boot_cpuid_phys, size_dt_strings, size_dt_struct
 * </pre>
 *
 * Not thread-safe; build a tree on one thread.
 */
public final class FdtWriter {
    static final int MAGIC = 0xd00dfeed;
    static final int VERSION = 17, LAST_COMPATIBLE_VERSION = 16;
    static final int HEADER_SIZE = 40;
    static final int BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

    private final ByteArrayOutputStream structure = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private final List<long[]> reservations = new ArrayList<>();
    private int depth;
    private int nextPhandle = 1;
    private int bootCpu;

    /** Opens a node; the root is {@code ""}. Names are {@code name[@unit-address]}. */
    public FdtWriter beginNode(String name) {
        if (depth == 0 && !name.isEmpty()) throw new IllegalStateException("the first node must be the root \"\"");
        if (depth > 0 && name.isEmpty()) throw new IllegalArgumentException("only the root node has an empty name");
        token(BEGIN_NODE);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        structure.writeBytes(bytes);
        structure.write(0);
        align();
        depth++;
        return this;
    }

    public FdtWriter endNode() {
        if (depth == 0) throw new IllegalStateException("no open node");
        token(END_NODE);
        depth--;
        return this;
    }

    /** A property with raw bytes as its value. */
    public FdtWriter property(String name, byte[] value) {
        if (depth == 0) throw new IllegalStateException("property '" + name + "' outside any node");
        token(PROP);
        int32(structure, value.length);
        int32(structure, stringOffset(name));
        structure.writeBytes(value);
        align();
        return this;
    }

    /** An empty property (a flag such as {@code interrupt-controller}). */
    public FdtWriter property(String name) {
        return property(name, new byte[0]);
    }

    /** One or more 32-bit cells. */
    public FdtWriter cells(String name, int... cells) {
        ByteBuffer b = ByteBuffer.allocate(cells.length * 4);
        for (int c : cells) b.putInt(c);
        return property(name, b.array());
    }

    /** 64-bit values, each as two cells (high then low), as in {@code reg} with #cells = 2. */
    public FdtWriter longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        for (long v : values) b.putLong(v);
        return property(name, b.array());
    }

    /** A string list: each string NUL-terminated, concatenated. */
    public FdtWriter strings(String name, String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String v : values) {
            out.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return property(name, out.toByteArray());
    }

    /** A fresh phandle value; write it into the node with {@code cells("phandle", h)}. */
    public int allocatePhandle() {
        return nextPhandle++;
    }

    /** Adds an entry to the memory reservation map. */
    public FdtWriter reserve(long address, long size) {
        reservations.add(new long[] {address, size});
        return this;
    }

    public FdtWriter bootCpu(int physicalId) {
        this.bootCpu = physicalId;
        return this;
    }

    /** Closes the blob; all nodes must have been ended. */
    public byte[] finish() {
        if (depth != 0) throw new IllegalStateException(depth + " node(s) still open");
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        struct.writeBytes(structure.toByteArray());
        int32(struct, END);
        byte[] structBytes = struct.toByteArray();
        byte[] stringBytes = strings.toByteArray();

        int reservationOffset = HEADER_SIZE; // already 8-byte aligned
        int reservationSize = (reservations.size() + 1) * 16;
        int structOffset = reservationOffset + reservationSize;
        int stringsOffset = structOffset + structBytes.length;
        int total = stringsOffset + stringBytes.length;

        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(MAGIC).putInt(total).putInt(structOffset).putInt(stringsOffset).putInt(reservationOffset)
                .putInt(VERSION).putInt(LAST_COMPATIBLE_VERSION).putInt(bootCpu)
                .putInt(stringBytes.length).putInt(structBytes.length);
        for (long[] r : reservations) out.putLong(r[0]).putLong(r[1]);
        out.putLong(0).putLong(0);
        out.put(structBytes).put(stringBytes);
        return out.array();
    }

    private int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int offset = strings.size();
            strings.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return offset;
        });
    }

    private void token(int token) {
        int32(structure, token);
    }

    private void align() {
        while (structure.size() % 4 != 0) structure.write(0);
    }

    private static void int32(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
