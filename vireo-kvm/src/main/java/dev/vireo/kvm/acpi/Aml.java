package dev.vireo.kvm.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tiny writer of ACPI Machine Language (ACPI 6.4 §20.2): just the terms Vireo's DSDT uses
 * (Scope, Device, Name, String, Integer, Buffer, Package) and the resource descriptors of
 * {@code _CRS} (§6.4: IO, IRQ, Memory32Fixed, Extended Interrupt). Each method returns the
 * encoded bytes so terms nest by concatenation.
 */
public final class Aml {
    private Aml() {}

    /** Concatenates encoded terms. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    /** {@code Scope(\NAME) { body }}: a root-relative scope such as {@code \_SB_}. */
    public static byte[] rootScope(String name, byte[] body) {
        return concat(new byte[] {0x10}, packageLength(1 + 4 + body.length), new byte[] {0x5C}, nameSeg(name), body);
    }

    /** {@code Device(NAME) { body }}. */
    public static byte[] device(String name, byte[] body) {
        return concat(new byte[] {0x5B, (byte) 0x82}, packageLength(4 + body.length), nameSeg(name), body);
    }

    /** {@code Name(NAME, value)}. */
    public static byte[] name(String name, byte[] value) {
        return concat(new byte[] {0x08}, nameSeg(name), value);
    }

    /** A String constant. */
    public static byte[] string(String s) {
        return concat(new byte[] {0x0D}, s.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
    }

    /** The shortest Integer encoding of {@code v} (Zero, One, Byte, Word, DWord or QWord const). */
    public static byte[] integer(long v) {
        if (v == 0) return new byte[] {0x00};
        if (v == 1) return new byte[] {0x01};
        if (v >= 0 && v <= 0xFF) return new byte[] {0x0A, (byte) v};
        if (v >= 0 && v <= 0xFFFF) return new byte[] {0x0B, (byte) v, (byte) (v >> 8)};
        if (v >= 0 && v <= 0xFFFF_FFFFL) return concat(new byte[] {0x0C}, le(v, 4));
        return concat(new byte[] {0x0E}, le(v, 8));
    }

    /** An EISA id such as "PNP0501" compressed into its DWord (ACPI 6.4 §6.1.5). */
    public static long eisaId(String id) {
        int c1 = id.charAt(0) - 0x40, c2 = id.charAt(1) - 0x40, c3 = id.charAt(2) - 0x40;
        int product = Integer.parseInt(id.substring(3), 16);
        int vendor = (c1 << 10) | (c2 << 5) | c3;
        // Stored big-endian: vendor high byte, vendor low byte, product high, product low.
        return (vendor >> 8) | ((vendor & 0xFF) << 8) | ((long) (product >> 8) << 16) | ((long) (product & 0xFF) << 24);
    }

    /** {@code Buffer() { bytes }}. */
    public static byte[] buffer(byte[] bytes) {
        byte[] size = integer(bytes.length);
        return concat(new byte[] {0x11}, packageLength(size.length + bytes.length), size, bytes);
    }

    /** {@code Package() { elements }} (each element already encoded). */
    public static byte[] packageOf(byte[]... elements) {
        byte[] body = concat(elements);
        return concat(new byte[] {0x12}, packageLength(1 + body.length), new byte[] {(byte) elements.length}, body);
    }

    /** A {@code ResourceTemplate} buffer: the descriptors followed by an End Tag. */
    public static byte[] resourceTemplate(byte[]... descriptors) {
        return buffer(concat(concat(descriptors), new byte[] {0x79, 0x00}));
    }

    /** IO(Decode16, base, base, 1, length). */
    public static byte[] ioPorts(int base, int length) {
        return new byte[] {0x47, 0x01, (byte) base, (byte) (base >> 8), (byte) base, (byte) (base >> 8), 0x01, (byte) length};
    }

    /** IRQNoFlags() { irq }: an ISA, edge-triggered, active-high interrupt. */
    public static byte[] isaIrq(int irq) {
        return new byte[] {0x22, (byte) (1 << irq), (byte) ((1 << irq) >> 8)};
    }

    /** Memory32Fixed(ReadWrite, base, length). */
    public static byte[] memory32Fixed(long base, long length) {
        return concat(new byte[] {(byte) 0x86, 0x09, 0x00, 0x01}, le(base, 4), le(length, 4));
    }

    /** Interrupt(ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi }. */
    public static byte[] levelInterrupt(int gsi) {
        return concat(new byte[] {(byte) 0x89, 0x06, 0x00, 0x01, 0x01}, le(gsi, 4));
    }

    /** PkgLength for a body of {@code length} bytes (ACPI 6.4 §20.2.4): the count includes itself. */
    static byte[] packageLength(int length) {
        if (length + 1 < 0x40) return new byte[] {(byte) (length + 1)};
        for (int n = 2; n <= 4; n++) {
            int total = length + n;
            if (total < (1 << (4 + 8 * (n - 1)))) {
                byte[] out = new byte[n];
                out[0] = (byte) (((n - 1) << 6) | (total & 0xF));
                for (int i = 1; i < n; i++) out[i] = (byte) (total >> (4 + 8 * (i - 1)));
                return out;
            }
        }
        throw new IllegalArgumentException("AML package too long: " + length);
    }

    static byte[] nameSeg(String name) {
        if (name.length() != 4) throw new IllegalArgumentException("AML name segments are 4 characters: " + name);
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] le(long v, int bytes) {
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) out[i] = (byte) (v >> (8 * i));
        return out;
    }
}
