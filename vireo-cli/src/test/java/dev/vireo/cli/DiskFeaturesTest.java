package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.api.Json;
import dev.vireo.image.DiskImage;
import dev.vireo.image.DiskImages;
import dev.vireo.image.OpenOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** qcow2 volumes, snapshots, clones and templates through the CLI; volume contents checked with vireo-image. */
class DiskFeaturesTest extends DaemonTestBase {
    Path volume(String name) { return fixture.home.disks().resolve(name); }

    void write(String disk, String text) throws Exception {
        try (DiskImage image = DiskImages.open(volume(disk), OpenOptions.probe(false))) {
            byte[] sector = java.util.Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), 512);
            image.write(0, sector, 0, 512);
            image.flush();
        }
    }

    String read(String disk) throws Exception {
        try (DiskImage image = DiskImages.open(volume(disk), OpenOptions.probe(true))) {
            byte[] sector = new byte[512];
            image.read(0, sector, 0, 512);
            return new String(sector, StandardCharsets.US_ASCII).replace("\0", "");
        }
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    void vmWithDisk(String vm, String disk) throws Exception {
        ok(vireo("disk", "create", disk, "4M", "--format", "qcow2"));
        ok(vireo("vm", "create", vm, "--memory", "64M", "--kernel", kernel.toString(), "--disk", disk));
    }

    @Test
    void snapshotChangeRevertRestoresTheDisk() throws Exception {
        vmWithDisk("web", "root");
        write("root", "before");
        ok(vireo("snapshot", "create", "web", "clean"));
        write("root", "after");
        assertThat(read("root")).isEqualTo("after");
        assertThat(ok(vireo("snapshot", "list", "web")).out()).contains("clean").contains("root");
        assertThat(vireo("snapshot", "create", "web", "clean").err()).contains("already has a snapshot 'clean'");
        ok(vireo("snapshot", "revert", "web", "clean"));
        assertThat(read("root")).isEqualTo("before");
        assertThat(vireo("snapshot", "revert", "web", "nosuch").err()).contains("vm 'web' has no snapshot 'nosuch'");
        ok(vireo("snapshot", "delete", "web", "clean"));
        assertThat(Json.MAPPER.readTree(ok(vireo("snapshot", "list", "web", "--output", "json")).out())).isEmpty();
        assertThat(ok(vireo("img", "check", volume("root").toString())).exit()).isZero();
    }

    @Test
    void snapshotsNeedQcow2Volumes() throws Exception {
        ok(vireo("disk", "create", "flat", "4M"));
        ok(vireo("vm", "create", "web", "--kernel", kernel.toString(), "--disk", "flat"));
        assertThat(vireo("snapshot", "create", "web", "s").err()).contains("disk 'flat' of vm 'web' is raw; snapshots need qcow2 volumes");
        ok(vireo("vm", "create", "bare", "--kernel", kernel.toString()));
        assertThat(vireo("snapshot", "create", "bare", "s").err()).contains("vm 'bare' has no disks to snapshot");
    }

    @Test
    void aLinkedCloneWritesItsOwnOverlayAndTheBaseStaysBitIdentical() throws Exception {
        vmWithDisk("src", "data");
        write("data", "original");
        ok(vireo("vm", "clone", "src", "dst", "--linked"));
        Path base = volume("data.base");
        assertThat(base).exists();
        String baseHash = sha256(base);
        assertThat(read("dst-disk0")).isEqualTo("original");
        write("dst-disk0", "clone-writes");
        write("data", "source-writes");
        assertThat(read("dst-disk0")).isEqualTo("clone-writes");
        assertThat(read("data")).isEqualTo("source-writes");
        assertThat(sha256(base)).isEqualTo(baseHash);
        JsonNode dst = Json.MAPPER.readTree(ok(vireo("vm", "info", "dst", "--output", "json")).out());
        assertThat(dst.path("disks").get(0).asText()).isEqualTo("dst-disk0");
        assertThat(vireo("disk", "delete", "data.base").err()).contains("disk 'data.base' is the base of disk");
        assertThat(vireo("disk", "resize", "data.base", "8M").err()).contains("read-only base");
    }

    @Test
    void aFullCloneIsIndependent() throws Exception {
        vmWithDisk("src", "data");
        write("data", "original");
        ok(vireo("vm", "clone", "src", "copy"));
        write("copy-disk0", "changed");
        assertThat(read("data")).isEqualTo("original");
        assertThat(vireo("vm", "clone", "src", "copy").err()).contains("vm 'copy' already exists");
        assertThat(vireo("vm", "clone", "nosuch", "x").err()).contains("vm 'nosuch' does not exist");
    }

    @Test
    void aTemplateMakesLinkedVmsAndKeepsItsBase() throws Exception {
        vmWithDisk("golden", "golden-root");
        write("golden-root", "template-data");
        ok(vireo("template", "create", "golden", "--name", "debian"));
        assertThat(ok(vireo("vm", "list")).out()).doesNotContain("golden ");
        assertThat(ok(vireo("template", "list")).out()).contains("debian");
        String baseHash = sha256(volume("golden-root"));
        ok(vireo("vm", "create", "web1", "--from-template", "debian", "--memory", "128M"));
        ok(vireo("vm", "create", "web2", "--from-template", "debian"));
        assertThat(read("web1-disk0")).isEqualTo("template-data");
        write("web1-disk0", "web1-data");
        assertThat(read("web2-disk0")).isEqualTo("template-data");
        assertThat(sha256(volume("golden-root"))).isEqualTo(baseHash);
        JsonNode web1 = Json.MAPPER.readTree(ok(vireo("vm", "info", "web1", "--output", "json")).out());
        assertThat(web1.path("memoryBytes").asLong()).isEqualTo(128L << 20);
        assertThat(web1.path("kernel").asText()).isEqualTo(kernel.toString());
        assertThat(vireo("vm", "create", "x", "--from-template", "nosuch").err()).contains("template 'nosuch' does not exist");
        assertThat(vireo("template", "create", "web1", "--name", "debian").err()).contains("template 'debian' already exists");
        ok(vireo("template", "delete", "debian"));
        assertThat(volume("golden-root")).exists(); // web1 and web2 still read it
    }
}
