package dev.vireo.riscv.fdt;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Decompiles a blob with Debian's {@code dtc} (package device-tree-compiler), the reference reader. */
public final class Dtc {
    private Dtc() {}

    public record Result(int exitCode, String dts, String warnings) {}

    public static Result decompile(byte[] blob) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dtc")), "dtc not installed (apt-get install device-tree-compiler)");
        Path file = Files.createTempFile("vireo-test", ".dtb");
        try {
            Files.write(file, blob);
            Path err = Files.createTempFile("vireo-dtc", ".err");
            Process p = new ProcessBuilder("dtc", "-I", "dtb", "-O", "dts", file.toString())
                    .redirectError(err.toFile()).start();
            String dts = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            String warnings = Files.readString(err);
            Files.delete(err);
            return new Result(p.exitValue(), dts, warnings);
        } finally {
            Files.delete(file);
        }
    }
}
