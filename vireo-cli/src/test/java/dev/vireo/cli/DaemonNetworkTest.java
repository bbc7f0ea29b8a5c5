package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vireo.daemon.api.Json;
import dev.vireo.daemon.client.DaemonClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/** Named networks through the CLI and the REST API: create, list, attach VMs by name, refuse what would break. */
class DaemonNetworkTest extends DaemonTestBase {
    DaemonClient.Response rest(String method, String path, Object body) throws Exception {
        return new DaemonClient(fixture.home).call(method, path, body);
    }

    @Test
    void createListAttachAndDeleteANamedNetwork() throws Exception {
        CliTest.Run created = ok(vireo("net", "create", "lab", "--mode", "internal", "--dhcp", "10.10.0.1/24"));
        Path socket = fixture.home.root().resolve("net/lab.sock");
        assertThat(created.out()).contains("created network 'lab' (internal), switch at " + socket).contains("--nic network=lab");
        assertThat(socket).exists();
        ok(vireo("net", "create", "out", "--mode", "nat"));
        CliTest.Run table = ok(vireo("net", "list"));
        assertThat(table.out()).containsPattern("lab\\s+internal\\s+dhcp 10.10.0.1/24\\s+up\\s+-")
                .containsPattern("out\\s+nat\\s+-\\s+per-vm");

        ok(vireo("vm", "create", "web", "--kernel", kernel.toString(), "--nic", "network=lab"));
        JsonNode list = Json.MAPPER.readTree(ok(vireo("net", "list", "--output", "json")).out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("name").asText()).isEqualTo("lab");
        assertThat(list.get(0).path("vms").get(0).asText()).isEqualTo("web");
        assertThat(list.get(0).path("ports").get(0).asText()).isEqualTo("dhcp");
        assertThat(list.get(0).path("socket").asText()).isEqualTo(socket.toString());

        CliTest.Run inUse = vireo("net", "delete", "lab");
        assertThat(inUse.exit()).isEqualTo(1);
        assertThat(inUse.err()).isEqualTo("vireo: network 'lab' is used by vm 'web'; delete that vm first (vireo vm delete web)\n");
        assertThat(rest("DELETE", "/api/networks/lab", null).status()).isEqualTo(409);
        ok(vireo("vm", "delete", "web"));
        ok(vireo("net", "delete", "lab"));
        assertThat(socket).doesNotExist();
        assertThat(ok(vireo("net", "list", "--output", "json")).out()).doesNotContain("\"lab\"");
    }

    @Test
    void mistakesGetOneLineThatSaysWhatToDo() throws Exception {
        ok(vireo("net", "create", "lab", "--mode", "internal"));
        CliTest.Run duplicate = vireo("net", "create", "lab", "--mode", "nat");
        assertThat(duplicate.exit()).isEqualTo(1);
        assertThat(duplicate.err()).isEqualTo("vireo: network 'lab' already exists; choose another name or delete it first (vireo net delete lab)\n");
        assertThat(vireo("net", "create", "x", "--mode", "wifi").err())
                .isEqualTo("vireo: network mode 'wifi' is unknown; use nat|internal|hostonly|bridge\n");
        assertThat(vireo("net", "create", "x", "--mode", "hostonly").err()).contains("give --subnet ADDR/PREFIX");
        assertThat(vireo("net", "create", "x", "--mode", "bridge", "--bridge", "nosuchbr7").err()).contains("bridge 'nosuchbr7' does not exist");
        assertThat(vireo("net", "create", "x", "--mode", "nat", "--bridge", "br0").err()).contains("--bridge is for bridge networks");
        assertThat(vireo("net", "delete", "nope").err()).contains("network 'nope' does not exist; see vireo net list");
        CliTest.Run unknownNetwork = vireo("vm", "create", "web", "--kernel", kernel.toString(), "--nic", "network=nope");
        assertThat(unknownNetwork.exit()).isEqualTo(1);
        assertThat(unknownNetwork.err()).contains("network 'nope' does not exist").contains("vireo net create nope --mode internal");
        assertThat(vireo("vm", "create", "web", "--kernel", kernel.toString(), "--nic", "network=lab,wifi").err()).contains("unknown part 'wifi'");
        assertThat(rest("GET", "/api/vms", null).json().path("vms")).isEmpty();

        assertThat(rest("POST", "/api/networks", Map.of("name", "y", "mode", "wifi")).status()).isEqualTo(400);
        assertThat(rest("POST", "/api/networks", Map.of("name", "lab", "mode", "internal")).status()).isEqualTo(409);
        assertThat(rest("GET", "/api/networks/nope", null).status()).isEqualTo(404);
        assertThat(rest("GET", "/api/networks/lab", null).json().path("state").asText()).isEqualTo("up");
        JsonNode openapi = rest("GET", "/api/openapi.json", null).json();
        assertThat(openapi.path("paths").has("/api/networks")).isTrue();
        assertThat(openapi.path("paths").path("/api/networks/{name}").has("delete")).isTrue();
        assertThat(openapi.path("components").path("schemas").has("NetworkSpec")).isTrue();
    }

    @Test
    void aNetworkTakesAnAclFileAndSaysWhichLineIsWrong() throws Exception {
        java.nio.file.Path acl = java.nio.file.Files.writeString(dir.resolve("lab.acl"), "[port db]\ndefault deny\nallow both proto=arp\n");
        ok(vireo("net", "create", "lab", "--mode", "internal", "--acl", acl.toString()));
        JsonNode lab = rest("GET", "/api/networks/lab", null).json();
        assertThat(lab.path("acl").asText()).contains("default deny");
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.acl"), "[port db]\nallow sideways\n");
        CliTest.Run wrong = vireo("net", "create", "lab2", "--mode", "internal", "--acl", bad.toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).startsWith("vireo: network 'lab2' --acl:2: ");
        assertThat(vireo("net", "create", "lab3", "--mode", "internal", "--acl", dir.resolve("none.acl").toString()).err())
                .startsWith("vireo: cannot read ACL file");
        assertThat(vireo("net", "create", "out", "--mode", "nat", "--acl", acl.toString()).err()).contains("--acl is for internal and hostonly networks");
    }

    @Test
    void theSwitchIsBackAfterADaemonRestart() throws Exception {
        ok(vireo("net", "create", "lab", "--mode", "internal", "--dhcp", "10.10.0.1/24"));
        Path socket = fixture.home.root().resolve("net/lab.sock");
        fixture.daemon.close();
        assertThat(socket).doesNotExist();
        fixture.start();
        assertThat(socket).exists();
        assertThat(rest("GET", "/api/networks/lab", null).json().path("state").asText()).isEqualTo("up");
    }
}
