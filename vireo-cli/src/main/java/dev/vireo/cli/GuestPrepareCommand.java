package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import dev.vireo.cli.guest.GuestBuilder;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.concurrent.Callable;

/** {@code vireo guest prepare}: download Debian's packages and build the default guest (cached). */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Download Debian trixie riscv64 linux-image-riscv64, busybox-static and opensbi with a",
                "private apt state, and build the default guest's kernel, initramfs and firmware.",
                "Cached under ${XDG_CACHE_HOME:-~/.cache}/vireo/guest/<versions>/; a second run reuses it."})
final class GuestPrepareCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        DefaultGuest guest = new GuestBuilder(GuestBuilder.defaultCacheRoot()).prepare(System.out);
        System.out.println("kernel   " + guest.kernel());
        System.out.println("initrd   " + guest.initrd());
        System.out.println("firmware " + guest.firmware());
        return Main.EXIT_OK;
    }
}
