package dev.vireo.cli.img;

import dev.vireo.image.raw.FileSpace;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Read-only mappings of the files that hold a convert's source data, one per file, mapped when
 * first asked and unmapped together on close. Data stored uncompressed (raw files, qcow2 data
 * clusters) then goes to the output straight from the source's page cache: one kernel copy (the
 * write) instead of two (a read into a buffer, then the write). {@link #slice} maps the pages
 * in (MADV_POPULATE_READ, which also reads what is not cached; without it, touching each page)
 * on the calling thread, the convert's reader, so that the writer's copy does not wait on them.
 *
 * <p>A source file truncated by another process while mapped makes the access fail with an
 * {@link InternalError} (SIGBUS), not a crash; readers take no lock on images, as in QEMU.
 */
final class SourceMaps implements AutoCloseable {
    private static final MemorySegment UNMAPPABLE = MemorySegment.NULL;
    private final Arena arena = Arena.ofShared();
    private final Map<String, MemorySegment> maps = new HashMap<>();

    /** {@code length} bytes of {@code file} at {@code offset}, loaded, or null to read them instead. */
    ByteBuffer slice(String file, long offset, int length) throws IOException {
        if (offset < 0) return null;
        MemorySegment map = maps.get(file);
        if (map == null) {
            map = map(Path.of(file));
            maps.put(file, map);
        }
        if (map == UNMAPPABLE || offset + length > map.byteSize()) return null;
        MemorySegment slice = map.asSlice(offset, length);
        if (!FileSpace.populate(slice)) slice.load();
        return slice.asByteBuffer();
    }

    private MemorySegment map(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return UNMAPPABLE;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            return size == 0 ? UNMAPPABLE : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
    }

    @Override
    public void close() { arena.close(); }
}
