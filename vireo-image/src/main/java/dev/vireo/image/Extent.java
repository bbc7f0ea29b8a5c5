package dev.vireo.image;

/**
 * A run of guest bytes with one storage state, as {@code qemu-img map --output json} reports it.
 *
 * @param depth   0 for the image itself, 1 for its backing file, …
 * @param present the data comes from some layer of the chain (false: unallocated everywhere)
 * @param zero    the run reads as zeros
 * @param data    the run is stored as data (not a zero flag or a hole)
 * @param offset  host offset in {@code file} when the data is stored uncompressed, else -1
 * @param file    the file that holds the run
 */
public record Extent(long start, long length, int depth, boolean present, boolean zero, boolean data, long offset, String file) {
    boolean continues(Extent e) {
        return depth == e.depth && present == e.present && zero == e.zero && data == e.data && file.equals(e.file)
                && start + length == e.start && (offset < 0 ? e.offset < 0 : e.offset == offset + length);
    }

    Extent join(Extent e) { return new Extent(start, length + e.length, depth, present, zero, data, offset, file); }
}
