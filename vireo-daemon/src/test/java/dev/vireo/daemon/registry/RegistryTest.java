package dev.vireo.daemon.registry;

import dev.vireo.daemon.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {
    @TempDir Path dir;

    static VmRecord vm(String name) {
        return new VmRecord(name, 2, 512L << 20, "/k", null, "console=ttyS0", null, List.of("data,readonly=on"), List.of(),
                false, VmState.stopped, "created", null, null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void migratesAFreshRegistryToTheLatestSchema() throws Exception {
        try (Registry registry = Registry.open(dir)) {
            assertThat(registry.schemaVersion()).isEqualTo(Migrations.STEPS.size());
        }
    }

    @Test
    void keepsVmsAndStateAcrossReopening() throws Exception {
        try (Registry registry = Registry.open(dir)) {
            registry.insertVm(vm("web"));
            registry.updateState("web", VmState.running, "started", 1234L, "2026-01-01T00:00:01Z");
            registry.setAutostart("web", true);
        }
        try (Registry registry = Registry.open(dir)) {
            VmRecord web = registry.findVm("web").orElseThrow();
            assertThat(web.state()).isEqualTo(VmState.running);
            assertThat(web.pid()).isEqualTo(1234L);
            assertThat(web.autostart()).isTrue();
            assertThat(web.disks()).containsExactly("data,readonly=on");
            assertThat(web.createdAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        }
    }

    @Test
    void aDuplicateNameIsAConflict() throws Exception {
        try (Registry registry = Registry.open(dir)) {
            registry.insertVm(vm("web"));
            assertThatThrownBy(() -> registry.insertVm(vm("web"))).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(409));
        }
    }

    @Test
    void aRegistryFromANewerVireoIsRefused() throws Exception {
        try (Registry registry = Registry.open(dir)) {
            registry.insertVm(vm("web"));
        }
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("vireo"), "vireo", "")) {
            c.createStatement().execute("UPDATE schema_version SET version = 99");
        }
        assertThatThrownBy(() -> Registry.open(dir)).hasMessageContaining("schema version 99").hasMessageContaining("newer Vireo");
    }

    @Test
    void migratesAVersionOneRegistryKeepingItsRows() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("vireo"), "vireo", "")) {
            var s = c.createStatement();
            s.execute("CREATE TABLE schema_version (version INT NOT NULL)");
            for (String sql : Migrations.STEPS.get(0).split(";\\s*\\n")) s.execute(sql);
            s.execute("INSERT INTO schema_version VALUES (1)");
            s.execute("INSERT INTO vms (name, cpus, memory_bytes, disks, nics, state, created_at) VALUES ('old', 1, 1048576, '[]', '[]', 'stopped', CURRENT_TIMESTAMP)");
        }
        try (Registry registry = Registry.open(dir)) {
            assertThat(registry.schemaVersion()).isEqualTo(5);
            assertThat(registry.findVm("old").orElseThrow().autostart()).isFalse();
            assertThat(registry.listTemplates()).isEmpty();
            assertThat(registry.listNetworks()).isEmpty();
        }
    }
}
