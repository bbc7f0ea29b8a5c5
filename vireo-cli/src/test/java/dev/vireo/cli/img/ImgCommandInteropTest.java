package dev.vireo.cli.img;

import dev.vireo.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code vireo img} verbs against qemu-img as the oracle. */
@Tag("interop")
class ImgCommandInteropTest {
    @TempDir Path dir;

    record Run(int exit, String out) { }

    @BeforeAll
    static void qemu() { assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-img not installed"); }

    private Run vireo(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            List<String> all = new ArrayList<>(List.of("img"));
            all.addAll(List.of(args));
            int exit = Main.execute(all.toArray(String[]::new));
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    private static Run qemu(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    private static String ok(String... args) throws Exception {
        Run r = qemu(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.out()).isZero();
        return r.out();
    }

    private String f(String name) { return dir.resolve(name).toString(); }

    @Test
    void createWithOptionsProducesWhatQemuImgDescribes() throws Exception {
        assertThat(vireo("create", "-f", "qcow2", "-o", "cluster_size=4k,compat=0.10", f("a.qcow2"), "10M").exit()).isZero();
        String info = ok("qemu-img", "info", "--output", "json", f("a.qcow2"));
        assertThat(info).contains("\"cluster-size\": 4096", "\"compat\": \"0.10\"", "\"virtual-size\": 10485760");
        assertThat(vireo("create", "-f", "qcow2", "-o", "extended_l2=on,refcount_bits=8", "-b", "a.qcow2", "-F", "qcow2", f("b.qcow2")).exit()).isZero();
        info = ok("qemu-img", "info", "--output", "json", f("b.qcow2"));
        assertThat(info).contains("\"backing-filename\": \"a.qcow2\"", "\"extended-l2\": true", "\"refcount-bits\": 8", "\"virtual-size\": 10485760");
        ok("qemu-img", "check", f("b.qcow2"));
        assertThat(vireo("create", "-f", "raw", "-o", "preallocation=full", f("c.raw"), "1M").exit()).isZero();
        assertThat(Files.size(dir.resolve("c.raw"))).isEqualTo(1 << 20);
        assertThat(vireo("create", "-f", "qcow2", f("d.qcow2"), "lots").exit()).isEqualTo(1);
    }

    @Test
    void infoJsonHasQemuImgFieldsAndValues() throws Exception {
        ok("qemu-img", "create", "-q", "-f", "qcow2", f("base.qcow2"), "8M");
        ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", f("top.qcow2"));
        ok("qemu-img", "snapshot", "-c", "snap1", f("top.qcow2"));
        String ours = vireo("info", "--output", "json", f("top.qcow2")).out();
        String theirs = ok("qemu-img", "info", "--output", "json", f("top.qcow2"));
        for (String field : new String[] {"\"virtual-size\": 8388608", "\"cluster-size\": 65536", "\"format\": \"qcow2\"",
                "\"backing-filename\": \"base.qcow2\"", "\"backing-filename-format\": \"qcow2\"", "\"compat\": \"1.1\"",
                "\"refcount-bits\": 16", "\"name\": \"snap1\"", "\"dirty-flag\": false", "\"extended-l2\": false"}) {
            assertThat(theirs).contains(field);
            assertThat(ours).contains(field);
        }
    }

    @Test
    void checkExitCodesAndRepairMatchQemuImg() throws Exception {
        vireo("create", "-q", "-f", "qcow2", f("c.qcow2"), "4M");
        ok("qemu-io", "-c", "write -P 1 0 1M", f("c.qcow2"));
        assertThat(vireo("check", f("c.qcow2"))).extracting(Run::exit).isEqualTo(0);
        // cluster 0 (the header) gets refcount 2: a leak. Refcount block at 128 KiB, 16-bit entries.
        poke(dir.resolve("c.qcow2"), 131072, new byte[] {0, 2});
        assertThat(qemu("qemu-img", "check", f("c.qcow2")).exit()).isEqualTo(3);
        Run leak = vireo("check", "--output", "json", f("c.qcow2"));
        assertThat(leak.exit()).isEqualTo(3);
        assertThat(leak.out()).contains("\"leaks\": 1");
        // cluster 3 (the L1 table) gets refcount 0: corruption.
        poke(dir.resolve("c.qcow2"), 131072 + 6, new byte[] {0, 0});
        assertThat(qemu("qemu-img", "check", f("c.qcow2")).exit()).isEqualTo(2);
        assertThat(vireo("check", f("c.qcow2")).exit()).isEqualTo(2);
        assertThat(vireo("check", "-r", "leaks", f("c.qcow2")).exit()).isEqualTo(2);
        assertThat(qemu("qemu-img", "check", f("c.qcow2")).exit()).isEqualTo(2);
        assertThat(vireo("check", "-r", "all", f("c.qcow2")).exit()).isZero();
        assertThat(ok("qemu-img", "check", f("c.qcow2"))).contains("No errors");
        assertThat(vireo("check", f("c.qcow2")).out()).contains("No errors were found on the image.");
        vireo("create", "-q", "-f", "raw", f("r.raw"), "1M");
        assertThat(vireo("check", f("r.raw")).exit()).isEqualTo(63);
    }

    @Test
    void dirtyImagesAreRefusedForWritingUntilCheckRepairsThem() throws Exception {
        vireo("create", "-q", "-f", "qcow2", f("d.qcow2"), "4M");
        ok("qemu-io", "-c", "write -P 3 0 1M", f("d.qcow2"));
        poke(dir.resolve("d.qcow2"), 72 + 7, new byte[] {1}); // incompatible feature bit 0: dirty
        Run refused = vireo("resize", f("d.qcow2"), "+1M");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(vireo("info", "--output", "json", f("d.qcow2")).out()).contains("\"dirty-flag\": true");
        assertThat(vireo("check", "-r", "all", f("d.qcow2")).exit()).isZero();
        assertThat(vireo("info", "--output", "json", f("d.qcow2")).out()).contains("\"dirty-flag\": false");
        assertThat(vireo("resize", f("d.qcow2"), "+1M").exit()).isZero();
        assertThat(ok("qemu-img", "check", f("d.qcow2"))).contains("No errors");
        assertThat(ok("qemu-io", "-c", "read -P 3 0 1M", f("d.qcow2"))).doesNotContain("verification failed");
    }

    @Test
    void snapshotsOnOneBitRefcountsFailWithAdvice() throws Exception {
        vireo("create", "-q", "-f", "qcow2", "-o", "refcount_bits=1", f("one.qcow2"), "1M");
        ok("qemu-io", "-c", "write -P 3 0 64k", f("one.qcow2"));
        assertThat(vireo("snapshot", "-c", "s", f("one.qcow2")).exit()).isEqualTo(1);
        ok("qemu-img", "check", f("one.qcow2"));
    }

    private static void poke(Path p, long at, byte[] bytes) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) { ch.write(ByteBuffer.wrap(bytes), at); }
    }

    @Test
    void convertKeepsContentAndSparsenessInEveryDirection() throws Exception {
        ok("qemu-img", "create", "-q", "-f", "qcow2", f("src.qcow2"), "64M");
        ok("qemu-io", "-c", "write -P 7 1M 3M", "-c", "write -P 8 40M 64k", "-c", "write -z 50M 1M", f("src.qcow2"));
        assertThat(vireo("convert", "-O", "raw", f("src.qcow2"), f("out.raw")).exit()).isZero();
        ok("qemu-img", "compare", f("src.qcow2"), f("out.raw"));
        assertThat(dev.vireo.image.raw.FileSpace.allocatedBytes(dir.resolve("out.raw"))).isLessThan(8L << 20);
        assertThat(vireo("convert", "-f", "raw", "-O", "qcow2", "-o", "cluster_size=4096", f("out.raw"), f("back.qcow2")).exit()).isZero();
        ok("qemu-img", "check", f("back.qcow2"));
        ok("qemu-img", "compare", f("src.qcow2"), f("back.qcow2"));
        assertThat(Files.size(dir.resolve("back.qcow2"))).isLessThan(8L << 20);
        assertThat(vireo("convert", "-c", "-p", "-O", "qcow2", f("src.qcow2"), f("small.qcow2")).exit()).isZero();
        ok("qemu-img", "check", f("small.qcow2"));
        ok("qemu-img", "compare", f("src.qcow2"), f("small.qcow2"));
        assertThat(Files.size(dir.resolve("small.qcow2"))).isLessThan(1L << 20);
        ok("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", f("src.qcow2"), f("src.vmdk"));
        ok("qemu-img", "convert", "-O", "vdi", f("src.qcow2"), f("src.vdi"));
        for (String in : new String[] {"src.vmdk", "src.vdi"}) {
            assertThat(vireo("convert", "-O", "qcow2", f(in), f(in + ".qcow2")).exit()).isZero();
            ok("qemu-img", "compare", f("src.qcow2"), f(in + ".qcow2"));
        }
        assertThat(vireo("compare", f("src.qcow2"), f("out.raw")).exit()).isZero();
        ok("qemu-io", "-c", "write -P 9 2M 512", f("back.qcow2"));
        Run diff = vireo("compare", f("src.qcow2"), f("back.qcow2"));
        assertThat(diff.exit()).isEqualTo(1);
        assertThat(diff.out()).contains("Content mismatch at offset 2097152!");
    }

    @Test
    void snapshotVerbsInteroperateWithQemuImg() throws Exception {
        vireo("create", "-q", "-f", "qcow2", f("s.qcow2"), "4M");
        ok("qemu-io", "-c", "write -P 1 0 1M", f("s.qcow2"));
        assertThat(vireo("snapshot", "-c", "first", f("s.qcow2")).exit()).isZero();
        ok("qemu-io", "-c", "write -P 2 0 2M", f("s.qcow2"));
        ok("qemu-img", "snapshot", "-c", "second", f("s.qcow2"));
        String list = vireo("snapshot", "-l", f("s.qcow2")).out();
        assertThat(list).contains("first", "second");
        assertThat(vireo("snapshot", "-a", "first", f("s.qcow2")).exit()).isZero();
        assertThat(ok("qemu-io", "-c", "read -P 1 0 1M", "-c", "read -P 0 1M 1M", f("s.qcow2"))).doesNotContain("verification failed");
        assertThat(vireo("snapshot", "-d", "second", f("s.qcow2")).exit()).isZero();
        assertThat(ok("qemu-img", "snapshot", "-l", f("s.qcow2"))).contains("first").doesNotContain("second");
        assertThat(ok("qemu-img", "check", f("s.qcow2"))).contains("No errors");
        assertThat(vireo("snapshot", "-a", "nope", f("s.qcow2")).exit()).isEqualTo(1);
    }

    @Test
    void sparseRawSourcesAreMappedByTheirHolesAndConvertedSparse() throws Exception {
        try (var ch = java.nio.channels.FileChannel.open(java.nio.file.Path.of(f("sparse.raw")),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            byte[] data = new byte[128 << 10];
            java.util.Arrays.fill(data, (byte) 5);
            ch.write(java.nio.ByteBuffer.wrap(data), 640 << 10);
            ch.write(java.nio.ByteBuffer.wrap(data), 5 << 20);
            ch.truncate(8 << 20);
        }
        assertThat(vireo("map", "--output", "json", f("sparse.raw")).out().strip())
                .isEqualTo(ok("qemu-img", "map", "--output", "json", f("sparse.raw")).strip());
        ok("qemu-img", "create", "-q", "-f", "qcow2", "-b", "sparse.raw", "-F", "raw", f("overlay.qcow2"));
        ok("qemu-io", "-c", "write -P 9 1M 64k", f("overlay.qcow2"));
        assertThat(vireo("map", "--output", "json", f("overlay.qcow2")).out().strip())
                .isEqualTo(ok("qemu-img", "map", "--output", "json", f("overlay.qcow2")).strip());
        assertThat(vireo("convert", "-O", "qcow2", f("sparse.raw"), f("sparse.qcow2")).exit()).isZero();
        assertThat(vireo("convert", "-t", "none", "-O", "qcow2", f("sparse.raw"), f("direct.qcow2")).exit()).isZero();
        ok("qemu-img", "compare", f("sparse.raw"), f("direct.qcow2"));
        ok("qemu-img", "check", f("direct.qcow2"));
        assertThat(vireo("convert", "-t", "bogus", "-O", "raw", f("sparse.raw"), f("x.raw")).exit()).isEqualTo(1);
        ok("qemu-img", "compare", f("sparse.raw"), f("sparse.qcow2"));
        assertThat(ok("qemu-img", "map", "--output", "json", f("sparse.qcow2")).lines()
                .filter(l -> l.contains("\"data\": true")).mapToLong(l -> Long.parseLong(l.replaceAll(".*\"length\": (\\d+).*", "$1"))).sum())
                .isEqualTo(2L * (128 << 10));
    }

    @Test
    void commitRebaseResizeAndMapAgreeWithQemuImg() throws Exception {
        ok("qemu-img", "create", "-q", "-f", "qcow2", f("base.qcow2"), "8M");
        ok("qemu-io", "-c", "write -P 1 0 8M", f("base.qcow2"));
        vireo("create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", f("top.qcow2"));
        ok("qemu-io", "-c", "write -P 2 1M 100k", "-c", "write -z 3M 64k", "-c", "discard 5M 128k", f("top.qcow2"));
        assertThat(vireo("map", "--output", "json", f("top.qcow2")).out().strip())
                .isEqualTo(ok("qemu-img", "map", "--output", "json", f("top.qcow2")).strip());
        ok("qemu-img", "convert", "-O", "raw", f("top.qcow2"), f("view.raw"));

        ok("qemu-img", "create", "-q", "-f", "qcow2", f("other.qcow2"), "8M");
        assertThat(vireo("rebase", "-b", "other.qcow2", "-F", "qcow2", f("top.qcow2")).exit()).isZero();
        ok("qemu-img", "compare", f("top.qcow2"), f("view.raw"));
        ok("qemu-img", "check", f("top.qcow2"));
        assertThat(ok("qemu-img", "info", f("top.qcow2"))).contains("backing file: other.qcow2");

        assertThat(vireo("commit", f("top.qcow2")).exit()).isZero();
        ok("qemu-img", "compare", f("other.qcow2"), f("view.raw"));
        ok("qemu-img", "check", f("other.qcow2"));
        ok("qemu-img", "check", f("top.qcow2"));
        ok("qemu-img", "compare", f("top.qcow2"), f("view.raw"));

        assertThat(vireo("resize", f("top.qcow2"), "+1G").exit()).isZero();
        assertThat(ok("qemu-img", "info", "--output", "json", f("top.qcow2"))).contains("\"virtual-size\": " + ((8L << 20) + (1L << 30)));
        ok("qemu-img", "check", f("top.qcow2"));
        assertThat(vireo("resize", f("top.qcow2"), "1M").exit()).isEqualTo(1);
    }
}
