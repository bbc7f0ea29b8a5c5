package dev.vireo.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Host-only and bridged networking without CAP_NET_ADMIN (dropped with {@code setpriv} from
 * the bounding set, so not even root keeps it): one line on stderr that says what is needed and
 * what to use instead, exit status 1, before any guest boots. Runs inside a network namespace
 * this test creates, so even a wrongly succeeding TAP would never reach the host's interfaces.
 */
class NetPrivilegeTest {
    @TempDir Path dir;
    TestNamespace namespace;

    @BeforeEach
    void namespace() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        namespace = TestNamespace.create("vcap");
        namespace.run("ip", "link", "add", "vbr0", "type", "bridge");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        if (namespace != null) namespace.close();
    }

    private List<String> withoutNetAdmin() {
        List<String> wrapper = new ArrayList<>(namespace.wrapper());
        wrapper.addAll(List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin", "--"));
        return wrapper;
    }

    private VireoProcess vireo(String... args) throws Exception {
        return VireoProcess.startWrapped(withoutNetAdmin(), Map.of("VIREO_HOME", dir.resolve("h").toString()), args);
    }

    @Test
    void aBridgedNicWithoutCapNetAdminFailsWithTheFix() throws Exception {
        Path kernel = Files.write(dir.resolve("kernel.bin"), new byte[4096]);
        try (VireoProcess run = vireo("run", "--bios", "none", "--kernel", kernel.toString(), "--name", "nocap", "--nic", "bridge=vbr0")) {
            assertThat(run.waitFor(Duration.ofMinutes(2))).isEqualTo(1);
            assertThat(run.stderr().strip()).as(run.stderr())
                    .contains("creating TAP 'vt-nocap' needs root or CAP_NET_ADMIN")
                    .contains("use --nic nat or switch=NAME")
                    .doesNotContain("Exception").doesNotContain("\n");
        }
        assertThat(namespace.run("ip", "-o", "link")).doesNotContain("vt-nocap");
    }

    @Test
    void aDaemonWithoutCapNetAdminRefusesAHostOnlyNetworkWithTheFix() throws Exception {
        Path home = dir.resolve("h");
        try (VireoProcess daemon = vireo("daemon")) {
            daemon.awaitDaemon(home);
            System.setProperty("vireo.home", home.toString());
            try {
                CliTest.Run refused = CliTest.vireo("net", "create", "ho", "--mode", "hostonly", "--subnet", "192.168.59.1/24");
                assertThat(refused.exit()).isEqualTo(1);
                assertThat(refused.err()).isEqualTo("vireo: network 'ho': its host TAP 'vt-ho' needs root or CAP_NET_ADMIN; "
                        + "run vireod as root, or use --mode internal or nat\n");
                assertThat(CliTest.vireo("net", "list", "--output", "json").out().strip()).isEqualTo("[ ]");
            } finally {
                System.clearProperty("vireo.home");
            }
        }
    }

    @Test
    void aHostOnlySwitchWithoutCapNetAdminFailsWithTheFix() throws Exception {
        try (VireoProcess serve = vireo("net", "serve", "ho", "--host-only", "192.168.59.1/24")) {
            assertThat(serve.waitFor(Duration.ofMinutes(2))).isEqualTo(1);
            assertThat(serve.stderr().strip()).as(serve.stderr())
                    .contains("network 'ho'").contains("needs root or CAP_NET_ADMIN")
                    .doesNotContain("Exception").doesNotContain("\n");
        }
    }
}
