package dev.vireo.image;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** cache=none: images opened with O_DIRECT really are, and unaligned I/O round-trips through the bounce path. */
class DirectIoTest {
    private static final int O_DIRECT = 040000;

    @TempDir Path dir;

    /** The open(2) flags of every descriptor this process holds on {@code file}, from /proc/self/fdinfo. */
    private static List<Integer> openFlags(Path file) throws IOException {
        List<Integer> flags = new ArrayList<>();
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                Path target;
                try {
                    target = Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    continue; // closed meanwhile (the listing's own descriptor)
                }
                if (!target.equals(real)) continue;
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                    if (line.startsWith("flags:")) flags.add(Integer.parseInt(line.substring(6).strip(), 8));
                }
            }
        }
        return flags;
    }

    private DiskImage openDirect(Path image, ImageFormat format) throws IOException {
        try {
            return DiskImages.open(image, OpenOptions.of(format, false).withDirectIo(true));
        } catch (ImageException e) {
            assumeTrue(!e.getMessage().contains("does not support O_DIRECT"), e.getMessage());
            throw e;
        }
    }

    @ParameterizedTest
    @CsvSource({"RAW", "QCOW2"})
    void imageFileIsOpenWithODirectOnlyWhenAsked(ImageFormat format) throws Exception {
        Path image = dir.resolve("d." + format.id());
        DiskImages.create(image, format == ImageFormat.RAW ? CreateOptions.raw(1 << 20) : CreateOptions.qcow2(1 << 20));
        try (DiskImage img = openDirect(image, format)) {
            img.write(0, new byte[] {1, 2, 3}, 0, 3);
            assertThat(openFlags(image)).isNotEmpty().anyMatch(f -> (f & O_DIRECT) != 0);
        }
        try (DiskImage img = DiskImages.open(image, OpenOptions.of(format, false))) {
            assertThat(openFlags(image)).isNotEmpty().allMatch(f -> (f & O_DIRECT) == 0);
            byte[] back = new byte[3];
            img.read(0, back, 0, 3);
            assertThat(back).containsExactly(1, 2, 3);
        }
    }

    @Test
    void rawUnalignedReadsAndWritesMatchAModelAndKeepTheFileSize() throws Exception {
        int size = (3 << 20) + 1234; // not a multiple of the block size: the last block is partial
        Path image = dir.resolve("r.raw");
        DiskImages.create(image, CreateOptions.raw(size));
        byte[] expected = new byte[size];
        Random random = new Random(7);
        try (DiskImage img = openDirect(image, ImageFormat.RAW)) {
            for (int i = 0; i < 400; i++) {
                int len = 1 + random.nextInt(i % 10 == 0 ? 3 << 20 : 9000);
                int pos = i % 25 == 0 ? size - Math.min(len, size) : random.nextInt(size - Math.min(len, size) + 1);
                len = Math.min(len, size - pos);
                byte[] data = new byte[len];
                random.nextBytes(data);
                if (random.nextBoolean()) {
                    img.write(pos, data, 0, len);
                } else { // a direct buffer at an odd address
                    ByteBuffer b = ByteBuffer.allocateDirect(len + 1).position(1);
                    img.write(pos, b.put(data).position(1));
                }
                System.arraycopy(data, 0, expected, pos, len);
                int readPos = random.nextInt(size), readLen = random.nextInt(size - readPos + 1);
                byte[] back = new byte[readLen];
                img.read(readPos, back, 0, readLen);
                assertThat(back).as("read [%d, +%d) after write %d", readPos, readLen, i)
                        .isEqualTo(Arrays.copyOfRange(expected, readPos, readPos + readLen));
            }
            img.flush();
        }
        assertThat(Files.size(image)).isEqualTo(size);
        assertThat(Files.readAllBytes(image)).isEqualTo(expected);
    }

    @Test
    void alignedDirectBuffersGoStraightThroughAndReadBack() throws Exception {
        Path file = dir.resolve("a.bin");
        Files.write(file, new byte[1 << 20]);
        DirectChannel ch;
        try {
            ch = DirectChannel.open(file, false);
        } catch (ImageException e) {
            assumeTrue(false, e.getMessage());
            return;
        }
        try (ch) {
            ByteBuffer out = ByteBuffer.allocateDirect(8192 + ch.alignment()).alignedSlice(ch.alignment()).limit(8192);
            for (int i = 0; i < 8192; i++) out.put(i, (byte) (i * 13));
            assertThat(ch.write(out, 3L * ch.alignment())).isEqualTo(8192);
            ByteBuffer in = ByteBuffer.allocate(100);
            while (in.hasRemaining()) ch.read(in, 3L * ch.alignment() + 50 + in.position());
            for (int i = 0; i < 100; i++) assertThat(in.get(i)).isEqualTo((byte) ((i + 50) * 13));
            assertThat(ch.read(ByteBuffer.allocate(10), 1 << 20)).isEqualTo(-1);
        }
        assertThat(Files.size(file)).isEqualTo(1 << 20);
    }

    @Test
    @Tag("interop")
    void qcow2WrittenWithDirectIoPassesQemuCheckAndCompare() throws Exception {
        QemuTool.assumeAvailable();
        long size = 8L << 20;
        Path image = dir.resolve("w.qcow2");
        DiskImages.create(image, CreateOptions.qcow2(size).withClusterSize(4096).withExtendedL2(false));
        byte[] expected = new byte[(int) size];
        Random random = new Random(11);
        try (DiskImage img = openDirect(image, ImageFormat.QCOW2)) {
            for (int i = 0; i < 300; i++) {
                int len = 1 + random.nextInt(3 * 65536);
                long pos = random.nextLong(size - len);
                if (random.nextInt(8) < 6) {
                    byte[] data = new byte[len];
                    random.nextBytes(data);
                    img.write(pos, data, 0, len);
                    System.arraycopy(data, 0, expected, (int) pos, len);
                } else {
                    img.discard(pos, len);
                    Arrays.fill(expected, (int) pos, (int) pos + len, (byte) 0);
                }
            }
            assertThat(QemuTool.readAll(img)).isEqualTo(expected);
        }
        QemuTool.ok("qemu-img", "check", image.toString());
        Path raw = dir.resolve("expected.raw");
        Files.write(raw, expected);
        QemuTool.ok("qemu-img", "compare", "-q", image.toString(), raw.toString());
        assertThat(Files.size(image) % 4096).as("file size stays cluster-granular").isZero();
    }

    @Test
    void importFormatsRefuseCacheNoneInsteadOfIgnoringIt() throws Exception {
        Path vdi = dir.resolve("x.vdi");
        ByteBuffer header = ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x40, 0xbeda107f);
        Files.write(vdi, header.array());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DiskImages.open(vdi, OpenOptions.probe(true).withDirectIo(true)))
                .isInstanceOf(ImageException.class).hasMessageContaining("cache=none").hasMessageContaining("cache=writeback");
    }
}
