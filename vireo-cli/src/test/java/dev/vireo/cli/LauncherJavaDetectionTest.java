package dev.vireo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's JDK choice (scripts/java-home.sh), driven through bash with fake JDKs. */
class LauncherJavaDetectionTest {
    @TempDir Path jvms;

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("scripts/java-home.sh"))) p = p.getParent();
        return p;
    }

    /** A fake JDK whose java prints the given specification version like -XshowSettings does. */
    private Path fakeJdk(String name, String version) throws IOException {
        Path bin = Files.createDirectories(jvms.resolve(name).resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = " + version + "' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jvms.resolve(name);
    }

    private record Result(int exit, String out, String err) {}

    private Result detect(String javaHome) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                ". \"$1\" && echo \"$JAVA_HOME\"", "bash", repositoryRoot().resolve("scripts/java-home.sh").toString());
        pb.environment().put("VIREO_JVM_DIR", jvms.toString());
        if (javaHome == null) pb.environment().remove("JAVA_HOME");
        else pb.environment().put("JAVA_HOME", javaHome);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        String err = new String(p.getErrorStream().readAllBytes()).strip();
        return new Result(p.waitFor(), out, err);
    }

    @Test
    void keepsJavaHomeWhenItIs25OrNewer() throws Exception {
        Path jdk26 = fakeJdk("some-jdk-26", "26");
        fakeJdk("temurin-25-jdk-amd64", "25");
        assertThat(detect(jdk26.toString()).out()).isEqualTo(jdk26.toString());
    }

    @Test
    void replacesAnOlderJavaHomeWithTemurin25() throws Exception {
        Path jdk17 = fakeJdk("java-17-openjdk-amd64", "17");
        Path temurin = fakeJdk("temurin-25-jdk-amd64", "25");
        Result r = detect(jdk17.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(temurin.toString());
    }

    @Test
    void findsTemurin25WithoutJavaHome() throws Exception {
        Path temurin = fakeJdk("temurin-25-jdk-amd64", "25");
        assertThat(detect(null).out()).isEqualTo(temurin.toString());
    }

    @Test
    void readsTheVersionFromTheReleaseFileWithoutStartingJava() throws Exception {
        Path jdk = fakeJdk("some-jdk-25", "17"); // its java would say 17: the release file must win
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"25.0.3\"\n");
        assertThat(detect(jdk.toString()).out()).isEqualTo(jdk.toString());
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.1\"\n");
        fakeJdk("temurin-25-jdk-amd64", "25");
        assertThat(detect(jdk.toString()).out()).isEqualTo(jvms.resolve("temurin-25-jdk-amd64").toString());
    }

    @Test
    void saysWhatToInstallWhenNoJdk25Exists() throws Exception {
        Path jdk17 = fakeJdk("java-17-openjdk-amd64", "17");
        Result r = detect(jdk17.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).contains("JDK 25").contains("install");
    }
}
