package dev.vireo.cli;

import dev.vireo.cli.guest.DefaultGuest;
import org.junit.jupiter.api.Assumptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The default guest in tests: located (the test is skipped when it is not prepared) and the arguments that boot it. */
final class TestGuest {
    private TestGuest() { }

    /** The prepared default guest; aborts the test (skipped, not failed) when there is none. */
    static DefaultGuest guest() {
        try {
            return DefaultGuest.locate();
        } catch (VireoCliException e) {
            Assumptions.abort("default guest not prepared: " + e.getMessage());
            throw e;
        }
    }

    /** The kernel argument that makes the default guest run {@code command} as its workload. */
    static String exec(String command) {
        return "vireo.exec=" + Base64.getEncoder().encodeToString(command.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code run --kernel … --initrd … --bios … --memory MEMORY --append vireo.exec=…} followed by {@code more}. */
    static List<String> runArgs(String memory, String command, String... more) {
        DefaultGuest g = guest();
        List<String> args = new ArrayList<>(List.of("run", "--kernel", g.kernel().toString(), "--initrd", g.initrd().toString(),
                "--bios", g.firmware().toString(), "--memory", memory, "--append", exec(command)));
        args.addAll(List.of(more));
        return args;
    }
}
