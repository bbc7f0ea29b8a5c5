package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.api.Json;
import dev.vireo.daemon.client.DaemonClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.vireo.cli.CliTest.vireo;
import static org.assertj.core.api.Assertions.assertThat;

/** VM definitions, volumes and the API's errors, end to end through the CLI and the Unix socket. */
class DaemonApiTest extends DaemonTestBase {
    static CliTest.Run ok(CliTest.Run run) {
        assertThat(run.exit()).as("exit code; stderr: %s", run.err()).isZero();
        return run;
    }

    DaemonClient.Response rest(String method, String path, Object body) throws Exception {
        return new DaemonClient(fixture.home).call(method, path, body);
    }

    @Test
    void createListInfoDeleteThroughTheCli() throws Exception {
        ok(vireo("vm", "create", "web", "--cpus", "2", "--memory", "1G", "--kernel", kernel.toString()));
        CliTest.Run list = vireo("vm", "list");
        assertThat(list.out()).contains("web").contains("stopped").contains("1.0 GiB");
        CliTest.Run info = vireo("vm", "info", "web", "--output", "json");
        JsonNode vm = Json.MAPPER.readTree(info.out());
        assertThat(vm.path("state").asText()).isEqualTo("stopped");
        assertThat(vm.path("cpus").asInt()).isEqualTo(2);
        assertThat(vm.path("memoryBytes").asLong()).isEqualTo(1L << 30);
        assertThat(vm.path("kernel").asText()).isEqualTo(kernel.toString());
        JsonNode listed = Json.MAPPER.readTree(vireo("vm", "list", "--output", "json").out());
        assertThat(listed.get(0).path("name").asText()).isEqualTo("web");
        ok(vireo("vm", "delete", "web"));
        CliTest.Run gone = vireo("vm", "info", "web");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("vireo: vm 'web' does not exist; see vireo vm list\n");
    }

    @Test
    void duplicateNameIsAConflictAndChangesNothing() throws Exception {
        ok(vireo("vm", "create", "web", "--memory", "256M", "--kernel", kernel.toString()));
        CliTest.Run again = vireo("vm", "create", "web", "--memory", "2G", "--kernel", kernel.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("vm 'web' already exists; choose another name or delete it first");
        var response = rest("POST", "/api/vms", Map.of("name", "web", "kernel", kernel.toString()));
        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().path("error").asText()).contains("already exists");
        assertThat(rest("GET", "/api/vms/web", null).json().path("memoryBytes").asLong()).isEqualTo(256L << 20);
    }

    @Test
    void unknownVmIs404WithAHint() throws Exception {
        var response = rest("GET", "/api/vms/nosuch", null);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).isEqualTo("vm 'nosuch' does not exist; see vireo vm list");
        assertThat(rest("POST", "/api/vms/nosuch/start", null).status()).isEqualTo(404);
        assertThat(vireo("vm", "start", "nosuch").err()).contains("vm 'nosuch' does not exist");
    }

    @Test
    void invalidSizesAre400AndCreateNothing() throws Exception {
        CliTest.Run bad = vireo("vm", "create", "web", "--memory", "12X", "--kernel", kernel.toString());
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("--memory '12X' is not a size; write it like 512M");
        assertThat(rest("POST", "/api/vms", Map.of("name", "web", "memory", "-5G", "kernel", kernel.toString())).status()).isEqualTo(400);
        assertThat(rest("POST", "/api/vms", Map.of("name", "web", "memory", "1000", "kernel", kernel.toString())).status()).isEqualTo(400);
        assertThat(rest("POST", "/api/disks", Map.of("name", "d", "size", "lots")).status()).isEqualTo(400);
        assertThat(vireo("disk", "create", "d", "0").err()).contains("is zero");
        assertThat(rest("GET", "/api/vms", null).json().path("vms")).isEmpty();
        assertThat(rest("GET", "/api/disks", null).json().path("disks")).isEmpty();
    }

    @Test
    void pathTraversalInNamesIsRejected() throws Exception {
        CliTest.Run disk = vireo("disk", "create", "../../escape", "1M");
        assertThat(disk.exit()).isEqualTo(1);
        assertThat(disk.err()).contains("disk name '../../escape' is invalid").contains("no '/'");
        assertThat(vireo("disk", "create", "..", "1M").exit()).isEqualTo(1);
        assertThat(rest("POST", "/api/disks", Map.of("name", "a/b", "size", "1M")).status()).isEqualTo(400);
        assertThat(rest("GET", "/api/disks/..%2F..%2Fetc%2Fpasswd", null).status()).isEqualTo(400);
        assertThat(vireo("vm", "create", "x", "--kernel", kernel.toString(), "--disk", "..").exit()).isEqualTo(1);
        assertThat(vireo("vm", "create", "../vm", "--kernel", kernel.toString()).err()).contains("vm name '../vm' is invalid");
        try (var files = Files.walk(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("escape");
        }
    }

    @Test
    void disksAreCreatedResizedAttachedAndProtected() throws Exception {
        ok(vireo("disk", "create", "data", "8M"));
        Path file = fixture.home.disks().resolve("data");
        assertThat(Files.size(file)).isEqualTo(8L << 20);
        ok(vireo("disk", "resize", "data", "16M"));
        assertThat(Files.size(file)).isEqualTo(16L << 20);
        assertThat(vireo("disk", "resize", "data", "4M").err()).contains("shrinking would lose data");
        assertThat(vireo("disk", "create", "data", "1M").err()).contains("disk 'data' already exists");
        assertThat(vireo("disk", "list").out()).contains("data").contains("16.0 MiB");
        ok(vireo("vm", "create", "web", "--kernel", kernel.toString(), "--disk", "data"));
        assertThat(vireo("vm", "create", "web2", "--kernel", kernel.toString(), "--disk", "nosuch").err())
                .contains("disk 'nosuch' does not exist; create it with vireo disk create nosuch SIZE");
        assertThat(vireo("disk", "delete", "data").err()).contains("disk 'data' is used by vm 'web'");
        ok(vireo("vm", "delete", "web", "--disks"));
        assertThat(file).doesNotExist();
        assertThat(vireo("disk", "list", "--output", "json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void registrySurvivesADaemonRestart() throws Exception {
        ok(vireo("vm", "create", "keep", "--memory", "64M", "--kernel", kernel.toString()));
        ok(vireo("vm", "autostart", "keep"));
        ok(vireo("vm", "autostart", "keep", "--disable"));
        ok(vireo("disk", "create", "vol", "1M"));
        fixture.restart();
        JsonNode vm = Json.MAPPER.readTree(vireo("vm", "info", "keep", "--output", "json").out());
        assertThat(vm.path("memoryBytes").asLong()).isEqualTo(64L << 20);
        assertThat(vireo("disk", "list").out()).contains("vol");
        assertThat(rest("GET", "/api/version", null).json().path("schema").asInt()).isEqualTo(5);
    }

    @Test
    void openApiAndErrorsComeOverTheUnixSocket() throws Exception {
        var openapi = rest("GET", "/api/openapi.json", null);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.json().path("paths").has("/api/vms/{name}/start")).isTrue();
        var missing = rest("GET", "/api/nothing", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).contains("see /api/openapi.json");
        assertThat(rest("PUT", "/api/vms", null).status()).isEqualTo(405);
        var garbage = new DaemonClient(fixture.home).call("POST", "/api/vms", Map.of("name", "x", "colour", "red"));
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.error()).contains("not the JSON this endpoint takes");
    }

    @Test
    void withoutADaemonTheCliSaysHowToStartOne() throws Exception {
        fixture.daemon.close();
        CliTest.Run run = vireo("vm", "list");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("the Vireo daemon is not running").contains("vireo daemon");
        fixture.start();
    }

    @Test
    void tcpNeedsTheBearerToken(@TempDir Path other) throws Exception {
        fixture.close();
        fixture = new DaemonFixture(other, 1.0, new InetSocketAddress("127.0.0.1", 0), 4_000_000);
        URI uri = URI.create("http://127.0.0.1:" + fixture.daemon.tcpPort() + "/api/vms");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("Authorization: Bearer TOKEN").contains("api.token");
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            String token = Files.readString(fixture.home.tokenFile()).strip();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"vms\"");
        }
        assertThat(Files.getPosixFilePermissions(fixture.home.tokenFile())).hasSize(2);
    }
}
