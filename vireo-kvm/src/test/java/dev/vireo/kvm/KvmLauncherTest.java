package dev.vireo.kvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class KvmLauncherTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    private int run(Path kernel, long memory) {
        return KvmLauncher.run(new KvmLauncher.Request(kernel, Optional.empty(), "", memory, 1),
                null, console, new PrintStream(errors, true));
    }

    @Test
    void missingKernelIsAOneLineErrorWithExitTwo() {
        assertThat(run(dir.resolve("bzImage"), 64L << 20)).isEqualTo(KvmLauncher.EXIT_CANNOT_START);
        assertThat(errors.toString()).startsWith("vireo: kernel file not found").hasLineCount(1);
    }

    @Test
    void badMemorySizeIsAOneLineError() {
        assertThat(run(dir.resolve("bzImage"), 1000)).isEqualTo(KvmLauncher.EXIT_CANNOT_START);
        assertThat(errors.toString()).contains("memory must be").hasLineCount(1);
    }

    @Test
    @RequiresKvm
    void guestThatPrintsAndResetsExitsZero() throws Exception {
        Path guest = GuestAssembler.build(dir, "hi", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0x3f8, %dx
                    mov $'K', %al
                    out %al, %dx
                    mov $0xfe, %al
                    out %al, $0x64
                """);
        assertThat(run(guest, 8L << 20)).isEqualTo(KvmLauncher.EXIT_OK);
        assertThat(console.toString()).isEqualTo("K");
    }

    @Test
    @RequiresKvm
    void tripleFaultExitsOneWithRegisters() throws Exception {
        Path guest = GuestAssembler.build(dir, "crash", GuestAssembler.DROP_TO_USER + "user:\n    hlt\n");
        assertThat(run(guest, 8L << 20)).isEqualTo(KvmLauncher.EXIT_GUEST_DIED);
        assertThat(errors.toString()).contains("triple fault").contains("rip");
    }

    @Test
    @RequiresKvm
    void resetsBecomeRebootsWhenAsked() throws Exception {
        Path guest = GuestAssembler.build(dir, "again", GuestAssembler.DROP_TO_USER + """
                user:
                    mov $0x3f8, %dx
                    mov $'x', %al
                    out %al, %dx
                    mov $0xfe, %al
                    out %al, $0x64
                """);
        int exit = KvmLauncher.run(new KvmLauncher.Request(guest, Optional.empty(), "", 8L << 20, 1, 2),
                null, console, new PrintStream(errors, true));

        assertThat(exit).isEqualTo(KvmLauncher.EXIT_OK);
        assertThat(console.toString()).isEqualTo("xxx");
    }
}
