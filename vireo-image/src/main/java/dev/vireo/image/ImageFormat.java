package dev.vireo.image;

import java.util.Locale;

/** The image formats Vireo reads; raw and qcow2 are also written. */
public enum ImageFormat {
    RAW, QCOW2, VMDK, VDI;

    /** The name qemu-img uses ({@code qcow2}, {@code raw}, …). */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    public boolean writable() {
        return switch (this) {
            case RAW, QCOW2 -> true;
            case VMDK, VDI -> false;
        };
    }

    public static ImageFormat parse(String name) throws ImageException {
        for (ImageFormat f : values()) if (f.id().equalsIgnoreCase(name)) return f;
        throw new ImageException("unknown image format '" + name + "'; use one of raw, qcow2, vmdk, vdi");
    }
}
