package dev.vireo.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The system calls made through syscall(2) reach the right kernel calls (numbers per architecture) and report failure as -1. */
class SyscallsTest {
    @TempDir Path dir;

    @Test
    void opensSeeksStatsAndClosesAFile() throws Exception {
        assertThat(Syscalls.available()).as("Linux on x86-64, aarch64 or riscv64 with native access").isTrue();
        Path file = dir.resolve("data");
        Files.write(file, new byte[12345]);
        int fd = Syscalls.open(file, 0);
        assertThat(fd).isGreaterThanOrEqualTo(0);
        assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd))).isEqualTo(file.toRealPath());
        assertThat(Syscalls.lseek(fd, 0, 2)).isEqualTo(12345); // SEEK_END
        assertThat(Syscalls.close(fd)).isZero();
        assertThat(Syscalls.close(fd)).isEqualTo(-1); // EBADF now
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stat = arena.allocate(256, 8);
            assertThat(Syscalls.stat(file, stat)).isZero();
            assertThat(stat.get(ValueLayout.JAVA_LONG, 48)).isEqualTo(12345); // st_size
            assertThat(Syscalls.stat(dir.resolve("missing"), stat)).isEqualTo(-1);
        }
        assertThat(Syscalls.open(dir.resolve("missing"), 0)).isEqualTo(-1);
    }

    @Test
    void fallocateGrowsAFileItHasOpenForWriting() throws Exception {
        Path file = dir.resolve("space");
        Files.write(file, new byte[0]);
        int fd = Syscalls.open(file, 2); // O_RDWR
        try {
            assertThat(Syscalls.fallocate(fd, 0, 0, 1 << 20)).isZero();
        } finally {
            Syscalls.close(fd);
        }
        assertThat(Files.size(file)).isEqualTo(1 << 20);
    }
}
