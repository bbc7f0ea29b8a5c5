package dev.vireo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.vireo.cli.CliTest.vireo;
import static dev.vireo.cli.DaemonApiTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A named internal network end to end, through the CLI only: the daemon runs the switch, two
 * VMs of the default guest defined with {@code --nic network=lab} lease from its DHCP and ping
 * each other — across a daemon restart between the two starts, so b's NIC has to rejoin the
 * restarted switch — then stop; the network is deleted once no VM uses it.
 */
@Tag("guest")
class NetworkGuestTest extends GuestDaemonTestBase {
    /** Two guests booting at once on a shared 2-core machine. */
    static final long TIMEOUT_NANOS = 15 * 60 * 1_000_000_000L;

    JsonNode awaitState(String vm, String state) throws Exception { return awaitState(vm, state, TIMEOUT_NANOS); }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(v -> list.add(v.asText()));
        return list;
    }

    @Test
    void twoVmsOnANamedInternalNetworkPingEachOtherThenStop() throws Exception {
        ok(vireo("net", "create", "lab", "--mode", "internal", "--dhcp", "10.30.0.1/24"));
        ok(vireo("vm", "create", "b", "--memory", "256M", "--nic", "network=lab",
                "--append", exec("ip addr add 10.30.0.12/24 dev eth0; echo B-READY; sleep 900")));
        ok(vireo("vm", "create", "a", "--memory", "256M", "--nic", "network=lab",
                "--append", exec("ip addr add 10.30.0.11/24 dev eth0; i=0; while [ $i -lt 300 ]; do "
                        + "ping -c 1 -W 1 10.30.0.12 >/dev/null 2>&1 && break; i=$((i+1)); done; "
                        + "ping -c 3 -W 2 10.30.0.12 && echo PING-OK")));
        ok(vireo("vm", "start", "b"));
        // A daemon restart closes the switch while b runs; b's NIC must rejoin the new one
        // for a to reach it.
        fixture.restart();
        assertThat(info("b").path("state").asText()).isEqualTo("running");
        ok(vireo("vm", "start", "a"));
        // Both VMMs are ports of the (new) switch, named after their VMs; b rejoined by itself.
        JsonNode network = json(vireo("net", "list", "--output", "json")).get(0);
        for (int i = 0; i < 50 && !strings(network.path("ports")).contains("b"); i++) {
            Thread.sleep(200);
            network = json(vireo("net", "list", "--output", "json")).get(0);
        }
        assertThat(strings(network.path("ports"))).contains("dhcp", "a", "b");
        assertThat(strings(network.path("vms"))).containsExactly("a", "b");

        awaitState("a", "stopped");
        String logA = ok(vireo("vm", "log", "a")).out();
        assertThat(logA).as(tail("a") + "\nB:\n" + tail("b")).contains("3 packets transmitted, 3 packets received").contains("PING-OK")
                .contains("vireo-exec-status: 0");
        assertThat(tail("a")).doesNotContain("no DHCP lease");
        ok(vireo("vm", "stop", "b"));
        awaitState("b", "stopped");

        network = json(vireo("net", "list", "--output", "json")).get(0);
        assertThat(network.path("leases").asInt()).as("a leased from the restarted daemon's DHCP at boot").isGreaterThanOrEqualTo(1);
        assertThat(strings(network.path("ports"))).containsExactly("dhcp");
        assertThat(vireo("net", "delete", "lab").err()).contains("is used by vm 'a', 'b'");
        ok(vireo("vm", "delete", "a"));
        ok(vireo("vm", "delete", "b"));
        ok(vireo("net", "delete", "lab"));
        assertThat(fixture.home.root().resolve("net/lab.sock")).doesNotExist();
    }
}
