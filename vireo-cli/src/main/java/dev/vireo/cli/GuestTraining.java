package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The training run of the launcher's AOT cache for guests (JEP 483/514/515): {@code ./vireo}
 * runs this once per build, before the first {@code run} or {@code demo} that finds the default
 * guest prepared, with {@code -XX:AOTCacheOutput=…}. It boots the default guest as {@code vireo
 * run} would, with a short CPU-bound command, so that the cache holds the classes a guest run
 * loads, already parsed and linked, and the method profiles of the hart's interpreter, MMU and
 * translator. A later guest run then starts from those instead of warming HotSpot up again
 * while the firmware and the kernel's early boot run at a few MIPS.
 *
 * <p>Exit status: 0 trained; {@link #NO_GUEST} when the default guest is not prepared (the
 * launcher then tries again on a later run); anything else failed (not retried for this jar).
 */
public final class GuestTraining {
    /** Exit status when there is no prepared default guest to train on. */
    static final int NO_GUEST = 3;
    /** A guest that has not powered off by then has hung: end the training (as failed). */
    private static final long TIMEOUT_MILLIS = 300_000;
    static final String COMMAND = "dd if=/dev/zero bs=1M count=8 2>/dev/null | sha256sum";

    private GuestTraining() { }

    public static void main(String[] args) {
        DefaultGuest guest;
        try {
            guest = DefaultGuest.locate();
        } catch (VireoCliException notPrepared) {
            System.exit(NO_GUEST);
            return;
        }
        Thread.ofPlatform().daemon().name("vireo-training-timeout").start(() -> {
            try {
                Thread.sleep(TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("vireo: the training guest did not power off within " + TIMEOUT_MILLIS / 1000 + " s");
            Runtime.getRuntime().halt(1);
        });
        String exec = Base64.getEncoder().encodeToString(COMMAND.getBytes(StandardCharsets.UTF_8));
        int status = Main.execute(new String[] {"run", "--bios", guest.firmware().toString(),
                "--kernel", guest.kernel().toString(), "--initrd", guest.initrd().toString(),
                "--append", "console=ttyS0 vireo.exec=" + exec, "--memory", "256M", "--cpus", "2"});
        System.exit(status == Main.EXIT_OK ? 0 : 1);
    }
}
