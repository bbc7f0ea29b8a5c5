package dev.vireo.cli.img;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code img convert} without qemu-img: its reader starts before DST exists, and stops whatever happens to DST. */
class ConvertCommandTest {
    @TempDir Path dir;

    private Path source() throws Exception {
        Path raw = dir.resolve("src.raw");
        try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer data = ByteBuffer.allocate(6 << 20);
            while (data.hasRemaining()) data.put((byte) (data.position() * 13 + 1));
            ch.write(data.flip(), 1 << 20);
            ch.truncate(64 << 20);
        }
        return raw;
    }

    private static String run(String... args) {
        return ConvertCommandPlainTest.run(args);
    }

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("vireo-convert-read") && t.isAlive());
    }

    @Test
    void aTargetThatCannotBeCreatedFailsAndStopsTheReader() throws Exception {
        String out = run("img", "convert", "-O", "qcow2", source().toString(), dir.resolve("no/such/dir/out.qcow2").toString());
        assertThat(out).startsWith("1 vireo: ");
        assertThat(readerAlive()).isFalse();
    }

    @Test
    void aBadClusterSizeIsReportedAsCreateReportsIt() throws Exception {
        String src = source().toString();
        String convert = run("img", "convert", "-O", "qcow2", "-o", "cluster_size=3000", src, dir.resolve("a.qcow2").toString());
        String create = run("img", "create", "-f", "qcow2", "-o", "cluster_size=3000", dir.resolve("b.qcow2").toString(), "64M");
        assertThat(convert).startsWith("1 vireo: ").isEqualTo(create.replace("b.qcow2", "a.qcow2"));
        assertThat(readerAlive()).isFalse();
    }

    @Test
    void copiesWhatTheSourceHolds() throws Exception {
        Path src = source();
        Path back = dir.resolve("back.raw");
        assertThat(run("img", "convert", "-O", "qcow2", "-o", "cluster_size=4096", src.toString(), dir.resolve("o.qcow2").toString())).isEqualTo("0 ");
        assertThat(run("img", "convert", "-O", "raw", dir.resolve("o.qcow2").toString(), back.toString())).isEqualTo("0 ");
        assertThat(Files.mismatch(src, back)).isEqualTo(-1);
        assertThat(readerAlive()).isFalse();
    }
}
