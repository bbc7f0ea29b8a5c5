package dev.vireo.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI's help, version and exit codes, run in-process as a user would type them. */
class CliTest {
    record Run(int exit, String out, String err) {}

    static synchronized Run vireo(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int exit = Main.execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void versionNamesVireoAndJava() {
        Run r = vireo("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("vireo ").contains("Java 25");
    }

    @Test
    void helpListsTheCommands() {
        Run r = vireo("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: vireo").contains("guest");
    }

    @Test
    void subcommandTableNamesEachClassByItsCommandName() {
        for (var e : Main.SUBCOMMANDS)
            assertThat(Main.commandClass(e.getValue()).getAnnotation(picocli.CommandLine.Command.class).name())
                    .as(e.getValue()).isEqualTo(e.getKey());
        for (var group : Main.GROUP_VERBS.values())
            for (var e : group)
                assertThat(Main.commandClass(e.getValue()).getAnnotation(picocli.CommandLine.Command.class).name())
                        .as(e.getValue()).isEqualTo(e.getKey());
    }

    @Test
    void groupHelpListsEveryVerbAndAVerbRunsAlone() {
        Run help = vireo("img", "--help");
        for (var e : dev.vireo.cli.img.ImgCommand.VERBS) assertThat(help.out()).contains(e.getKey());
        Run verbHelp = vireo("img", "convert", "--help");
        assertThat(verbHelp.exit()).isZero();
        assertThat(verbHelp.out()).contains("Usage: vireo img convert");
        Run unknown = vireo("img", "frobnicate");
        assertThat(unknown.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(unknown.err()).contains("frobnicate");
    }

    @Test
    void aSubcommandRunAloneStillHasTheRootsQualifiedName() {
        Run r = vireo("img", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: vireo img").contains("convert");
    }

    @Test
    void anImageInUseForWritingIsRefusedOnOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path p = dir.resolve("d.qcow2");
        assertThat(vireo("img", "create", "-q", "-f", "qcow2", p.toString(), "1M").exit()).isZero();
        try (var writer = dev.vireo.image.DiskImages.open(p, dev.vireo.image.OpenOptions.probe(false))) {
            Run r = vireo("img", "resize", p.toString(), "2M");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).startsWith("vireo: image '" + p + "' is in use for writing by process").hasLineCount(1);
            assertThat(vireo("img", "info", p.toString()).exit()).isZero(); // readers take no lock
        }
        assertThat(vireo("img", "resize", p.toString(), "2M").exit()).isZero();
    }

    @Test
    void helpCommandDescribesASubcommand() {
        Run r = vireo("help", "guest");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: vireo guest").contains("prepare").contains("info");
    }

    @Test
    void unknownOptionIsAUsageErrorOnOneLinePlusAHint() {
        Run r = vireo("--no-such-flag");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).startsWith("vireo: Unknown option: '--no-such-flag'").contains("--help");
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertThat(vireo("frobnicate").exit()).isEqualTo(Main.EXIT_USAGE);
    }

    @Test
    void badOutputFormatIsAUsageError() {
        Run r = vireo("guest", "info", "--output", "yaml");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("--output");
    }

    @Test
    void hostCheckReportsKvmMemoryKsmAndCgroups() {
        Run r = vireo("host", "check");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("kvm: ").contains("\nmemory: ").contains("\nksm: ").contains("\ncgroup: ");
    }

    @Test
    void hostCheckAsJsonIsOneObject() {
        Run r = vireo("host", "check", "--output", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"kvm\": {\"usable\": ").contains("\"memory\": {\"total_kib\": ")
                .endsWith("}\n").hasLineCount(1);
    }
}
