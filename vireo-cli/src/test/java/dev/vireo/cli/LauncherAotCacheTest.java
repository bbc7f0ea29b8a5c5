package dev.vireo.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's start-up cache (./vireo), driven through bash in a scratch tree with a fake
 * JDK whose java logs its arguments: trained once per jar, used afterwards, never a reason
 * to fail.
 */
class LauncherAotCacheTest {
    @TempDir Path root;
    private Path log;
    private Path target;

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("scripts/java-home.sh"))) p = p.getParent();
        return p;
    }

    /**
     * A scratch tree with the real launcher, a jar and a JDK whose java appends its arguments
     * to a log and, for a training run, writes the cache file unless TRAINING_FAILS is set.
     */
    @BeforeEach
    void tree() throws IOException {
        Path repo = repositoryRoot();
        Files.copy(repo.resolve("vireo"), root.resolve("vireo"));
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(repo.resolve("scripts/java-home.sh"), root.resolve("scripts/java-home.sh"));
        target = Files.createDirectories(root.resolve("vireo-cli/target"));
        Files.writeString(target.resolve("vireo.jar"), "jar 1");
        Path jdk = root.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
        log = root.resolve("java.log");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, """
                #!/bin/sh
                echo "$*" >> "$JAVA_LOG"
                for a in "$@"; do
                  case "$a" in -XX:AOTCacheOutput=*) [ -n "$TRAINING_FAILS" ] && exit 1; echo cache > "${a#-XX:AOTCacheOutput=}" ;; esac
                done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private List<String> run(String... env) throws Exception {
        return launch(List.of("img", "info", "x.qcow2"), env);
    }

    /** Runs ./vireo with {@code args} and the environment pairs {@code env}; returns the java command lines it ran. */
    private List<String> launch(List<String> args, String... env) throws Exception {
        Files.deleteIfExists(log);
        List<String> command = new java.util.ArrayList<>(List.of("bash", root.resolve("vireo").toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", root.resolve("jdk").toString());
        pb.environment().put("JAVA_LOG", log.toString());
        pb.environment().remove("VIREO_AOT");
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return Files.readAllLines(log);
    }

    private List<String> caches() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.contains(".aot")).sorted().toList();
        }
    }

    @Test
    void trainsOnceThenStartsFromTheCache() throws Exception {
        List<String> first = run();
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).contains("-XX:AOTCacheOutput=", "dev.vireo.cli.StartupTraining");
        assertThat(first.get(1)).contains("-XX:AOTCache=", "-jar", "img info x.qcow2");
        assertThat(caches()).hasSize(1);
        List<String> second = run();
        assertThat(second).hasSize(1);
        assertThat(second.get(0)).contains("-XX:AOTCache=" + target.resolve(caches().getFirst()));
    }

    @Test
    void aRebuiltJarGetsANewCacheAndTheOldOneGoes() throws Exception {
        run();
        List<String> before = caches();
        Files.writeString(target.resolve("vireo.jar"), "jar 2, longer");
        Files.setLastModifiedTime(target.resolve("vireo.jar"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        List<String> lines = run();
        assertThat(lines.get(0)).contains("-XX:AOTCacheOutput=");
        assertThat(caches()).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aFailedTrainingIsNotRetriedAndTheCommandStillRuns() throws Exception {
        List<String> first = run("TRAINING_FAILS", "1");
        assertThat(first).hasSize(2);
        assertThat(first.get(1)).doesNotContain("AOTCache").contains("img info x.qcow2");
        assertThat(caches()).hasSize(1).allMatch(n -> n.endsWith(".aot.failed"));
        List<String> second = run("TRAINING_FAILS", "1");
        assertThat(second).hasSize(1);
        assertThat(second.get(0)).doesNotContain("AOTCache");
    }

    @Test
    void offMeansNoCacheAtAll() throws Exception {
        List<String> lines = run("VIREO_AOT", "off");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("AOT").contains("-XX:+UseSerialGC");
        assertThat(caches()).isEmpty();
    }

    @Test
    void longRunningCommandsDoNotUseIt() throws Exception {
        for (String command : List.of("run", "demo", "vmm", "daemon", "net")) {
            assertThat(launch(List.of(command, "--help"))).singleElement().asString()
                    .doesNotContain("AOT").contains("-XX:+UseParallelGC", "-XX:PerMethodTrapLimit=0");
        }
    }

    @Test
    void anotherJdkGetsItsOwnCache() throws Exception {
        run();
        List<String> before = caches();
        Path other = Files.createDirectories(root.resolve("jdk2/bin"));
        Files.copy(root.resolve("jdk/release"), root.resolve("jdk2/release"));
        Files.copy(root.resolve("jdk/bin/java"), other.resolve("java"));
        List<String> lines = run("JAVA_HOME", root.resolve("jdk2").toString());
        assertThat(lines.get(0)).contains("-XX:AOTCacheOutput=");
        assertThat(caches()).hasSize(1).doesNotContainAnyElementsOf(before);
    }

    @Test
    void rebuildsForANewerSourceButNotForNewerMavenOutput() throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"mvn $*\" >> \"$JAVA_LOG\"\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = bin + ":" + System.getenv("PATH");
        FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 5000);
        Files.setLastModifiedTime(target.resolve("vireo.jar"), FileTime.fromMillis(System.currentTimeMillis() - 5000));
        Path generated = Files.createDirectories(target.resolve("generated-sources/dev")).resolve("Generated.java");
        Files.writeString(generated, "class Generated { }");
        Files.setLastModifiedTime(generated, later);
        assertThat(run("PATH", path)).noneMatch(l -> l.startsWith("mvn "));
        Path source = Files.createDirectories(root.resolve("vireo-cli/src/main/java/dev/target")).resolve("Source.java");
        Files.writeString(source, "class Source { }");
        Files.setLastModifiedTime(source, later);
        assertThat(run("PATH", path)).anyMatch(l -> l.startsWith("mvn ") && l.contains("package"));
    }
}
