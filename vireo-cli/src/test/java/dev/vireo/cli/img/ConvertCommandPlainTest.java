package dev.vireo.cli.img;

import dev.vireo.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code img convert} parsed without picocli ({@link ConvertCommand#plain}) means what picocli makes of it. */
class ConvertCommandPlainTest {
    @TempDir Path dir;

    private static ConvertCommand picocli(List<String> words) {
        ConvertCommand c = new ConvertCommand();
        new CommandLine(c).parseArgs(words.toArray(String[]::new));
        return c;
    }

    private static List<Object> fields(ConvertCommand c) {
        return List.of(String.valueOf(c.format), c.outFormat, c.compress, c.progress, c.quiet, c.cache, c.options, c.source, c.target);
    }

    @Test
    void plainFormsParseAsPicocliParsesThem() {
        for (List<String> words : List.of(
                List.of("a.qcow2", "b.raw"),
                List.of("-O", "qcow2", "a.raw", "b.qcow2"),
                List.of("-f", "raw", "-O", "qcow2", "-c", "-p", "-q", "-t", "none", "-o", "cluster_size=4096", "-o", "compat=1.1", "a", "b"),
                List.of("a", "-O", "raw", "b", "-p"))) {
            ConvertCommand plain = ConvertCommand.plain(words);
            assertThat(plain).as(words.toString()).isNotNull();
            assertThat(fields(plain)).as(words.toString()).isEqualTo(fields(picocli(words)));
        }
    }

    @Test
    void everythingElseIsLeftToPicocli() {
        for (List<String> words : List.<List<String>>of(
                List.of("--help"), List.of("-h", "a", "b"), List.of("-V"),
                List.of("-Oqcow2", "a", "b"), List.of("-cp", "a", "b"), List.of("--", "a", "b"),
                List.of("-O"), List.of("a", "b", "-O"), List.of("-O", "-c", "a", "b"),
                List.of("-x", "a", "b"), List.of("a"), List.of("a", "b", "c"), List.of())) {
            assertThat(ConvertCommand.plain(words)).as(words.toString()).isNull();
        }
    }

    /** Exit code and standard error of {@code vireo args…}. */
    static String run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.execute(args) + " " + err.toString(StandardCharsets.UTF_8);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void plainConvertReportsErrorsAsPicocliRunsDo() {
        String missing = dir.resolve("missing.qcow2").toString(), out = dir.resolve("out.raw").toString();
        // "-Oraw" (clustered) is parsed by picocli, "-O raw" without it
        String plain = run("img", "convert", "-O", "raw", missing, out);
        assertThat(plain).startsWith("1 vireo: ").contains("missing.qcow2' does not exist");
        assertThat(plain).isEqualTo(run("img", "convert", "-Oraw", missing, out));
        plain = run("img", "convert", "-O", "raw", "-c", missing, out);
        assertThat(plain).isEqualTo("1 vireo: -c needs -O qcow2\n");
        assertThat(plain).isEqualTo(run("img", "convert", "-Oraw", "-c", missing, out));
    }
}
