package dev.vireo.cli.guest;

import java.nio.file.Path;
import java.util.Map;

/**
 * The default guest built by {@code vireo guest prepare} from Debian packages: an OpenSBI
 * fw_dynamic firmware, a riscv64 kernel Image and a busybox initramfs.
 *
 * <p>API CONTRACT: {@link #locate()} returns the prepared guest or throws a
 * {@code VireoCliException} that tells the user to run {@code vireo guest prepare}.
 */
public record DefaultGuest(Path kernel, Path initrd, Path firmware, Map<String, String> versions) {
    public static DefaultGuest locate() {
        return GuestBuilder.locate();
    }
}
