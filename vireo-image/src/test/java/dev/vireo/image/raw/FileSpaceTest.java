package dev.vireo.image.raw;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** FileSpace's madvise: populating a file mapping (what convert's reader does), and saying so when it cannot. */
class FileSpaceTest {
    @TempDir Path dir;

    @Test
    void populatesAnUnalignedSliceOfAFileMapping() throws Exception {
        Path file = dir.resolve("data");
        byte[] bytes = new byte[3 << 20];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7 + 3);
        Files.write(file, bytes);
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            MemorySegment slice = map.asSlice(12345, 2 << 20);
            assertThat(FileSpace.populate(slice)).isTrue(); // Linux 5.14 or later
            assertThat(slice.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo(bytes[12345]);
            assertThat(slice.get(ValueLayout.JAVA_BYTE, (2 << 20) - 1)).isEqualTo(bytes[12345 + (2 << 20) - 1]);
            assertThat(FileSpace.populate(map.asSlice(0, 0))).isTrue();
        }
    }

    @Test
    void reportsFailureForMemoryThatIsNotMapped() {
        // SAFETY: never dereferenced; below vm.mmap_min_addr nothing is ever mapped, and madvise
        // reports ENOMEM for an unmapped range.
        MemorySegment unmapped = MemorySegment.ofAddress(4096).reinterpret(4096 * 4);
        assertThat(FileSpace.populate(unmapped)).isFalse();
    }
}
