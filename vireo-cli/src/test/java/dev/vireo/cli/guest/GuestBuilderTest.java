package dev.vireo.cli.guest;

import dev.vireo.cli.VireoCliException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code vireo guest prepare} against Debian's mirror, in a private cache directory. The .debs
 * already downloaded into the user's cache are linked in first, so the test does not fetch
 * the 110 MB kernel package again when it can avoid it.
 */
@Tag("network")
class GuestBuilderTest {
    @TempDir Path cache;

    private void seedDebsFromUserCache() throws IOException {
        Path userDebs = GuestBuilder.defaultCacheRoot().resolve("apt/debs");
        Path debs = Files.createDirectories(cache.resolve("apt/debs"));
        if (!Files.isDirectory(userDebs)) return;
        try (Stream<Path> files = Files.list(userDebs)) {
            for (Path deb : files.filter(p -> p.toString().endsWith(".deb")).toList()) {
                try {
                    Files.createLink(debs.resolve(deb.getFileName()), deb);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(deb, debs.resolve(deb.getFileName()));
                }
            }
        }
    }

    private static String prepare(GuestBuilder builder) throws IOException {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        builder.prepare(new PrintStream(progress, true));
        return progress.toString();
    }

    @Test
    void preparesOnceReusesThenRebuildsATruncatedKernel() throws IOException {
        seedDebsFromUserCache();
        GuestBuilder builder = new GuestBuilder(cache);

        String first = prepare(builder);
        DefaultGuest guest = builder.find();
        assertThat(first).contains("default guest ready");
        assertThat(guest.kernel()).isRegularFile();
        assertThat(Files.size(guest.kernel())).isGreaterThan(10_000_000);
        // A RISC-V Linux Image: "RSC\x05" magic at offset 0x38.
        byte[] head = Files.readAllBytes(guest.kernel());
        assertThat(new String(head, 0x38, 3)).isEqualTo("RSC");
        assertThat(guest.versions()).containsKeys("busybox-static", "opensbi");

        String second = prepare(builder);
        assertThat(second).contains("up to date").doesNotContain("downloading");

        try (FileChannel ch = FileChannel.open(guest.kernel(), StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        assertThatThrownBy(builder::find).isInstanceOf(VireoCliException.class)
                .hasMessageContaining("damaged").hasMessageContaining("vireo guest prepare");

        String third = prepare(builder);
        assertThat(third).contains("rebuilding").contains("default guest ready");
        assertThat(Files.size(builder.find().kernel())).isEqualTo(head.length);
    }

    @Test
    void findWithoutPrepareSaysWhatToRun() {
        assertThatThrownBy(() -> new GuestBuilder(cache).find())
                .isInstanceOf(VireoCliException.class).hasMessageContaining("./vireo guest prepare");
    }
}
