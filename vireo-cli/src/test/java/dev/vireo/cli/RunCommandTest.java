package dev.vireo.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vireo run} option handling and its one-line errors, in-process (no VM gets to start). */
class RunCommandTest {
    @TempDir Path dir;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private String stderr() { return err.toString(); }

    @Test
    void aMissingKernelIsAUsageError() {
        assertThat(Main.execute("run", "--bios", "none", "--kernel", dir.resolve("nope").toString())).isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).isEqualTo("vireo: --kernel " + dir.resolve("nope") + ": no such file\n");
    }

    @Test
    void aKernelThatIsNotAnImageFailsWithOneLine() throws Exception {
        Path kernel = Files.writeString(dir.resolve("notes.txt"), "not a kernel ".repeat(20));
        Path firmware = Files.write(dir.resolve("fw.bin"), new byte[64]);
        assertThat(Main.execute("run", "--bios", firmware.toString(), "--kernel", kernel.toString())).isEqualTo(Main.EXIT_FAILURE);
        assertThat(stderr()).startsWith("vireo: kernel '" + kernel + "' is not a RISC-V Linux Image").endsWith("\n");
        assertThat(stderr().lines()).hasSize(1);
    }

    @Test
    void tooLittleMemoryIsAUsageError() throws Exception {
        Path kernel = Files.write(dir.resolve("k.elf"), new byte[64]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--memory", "4M")).isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("--memory 4M is too little");
    }

    @Test
    void malformedNicSpecIsAUsageErrorNamingTheModes() throws Exception {
        Path kernel = Files.write(dir.resolve("k.elf"), new byte[64]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--nic", "user")).isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("unknown part 'user'").contains("switch=NAME");
    }

    @Test
    void aNicOnAMissingSwitchFailsWithTheFix() throws Exception {
        Path kernel = Files.write(dir.resolve("k.elf"), new byte[64]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--nic", "switch=nosuchnet-" + ProcessHandle.current().pid()))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(stderr()).contains("vireo net serve");
    }

    @Test
    void malformedDiskSpecIsAUsageError() throws Exception {
        Path kernel = Files.write(dir.resolve("k.elf"), new byte[64]);
        Path disk = Files.write(dir.resolve("d.img"), new byte[4096]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--disk", disk + ",format=qed")).isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("format='qed' is not one of");
        err.reset();
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--disk", disk + ",bogus=1")).isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("unknown option 'bogus'");
    }

    @Test
    void missingOrRepeatedDiskIsAUsageError() throws Exception {
        Path kernel = Files.write(dir.resolve("k.elf"), new byte[64]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--disk", dir.resolve("none.qcow2").toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("no such file");
        err.reset();
        Path disk = Files.write(dir.resolve("d.img"), new byte[4096]);
        assertThat(Main.execute("run", "--bios", "none", "--kernel", kernel.toString(), "--disk", disk.toString(), "--disk", disk + ",readonly=on"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(stderr()).contains("given twice");
    }

    @Test
    void bootargsStartWithTheConsoleAndAppendTheUsersArguments() {
        assertThat(RunCommand.bootargs(null)).isEqualTo("console=ttyS0 earlycon=sbi");
        assertThat(RunCommand.bootargs(" quiet ")).isEqualTo("console=ttyS0 earlycon=sbi quiet");
    }
}
