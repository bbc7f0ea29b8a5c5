package dev.vireo.image;

/** qemu-img's {@code preallocation=} values. */
public enum Preallocation {
    /** Thin: nothing allocated until written. */
    OFF,
    /** qcow2 only: all metadata (L2 tables) and cluster mappings, data left sparse. */
    METADATA,
    /** Space reserved with fallocate(2); reads return zero. */
    FALLOC,
    /** Space written with zeros. */
    FULL;

    public static Preallocation parse(String s) throws ImageException {
        return switch (s) {
            case "off" -> OFF;
            case "metadata" -> METADATA;
            case "falloc" -> FALLOC;
            case "full" -> FULL;
            default -> throw new ImageException("unknown preallocation '" + s + "'; use off, metadata, falloc or full");
        };
    }
}
