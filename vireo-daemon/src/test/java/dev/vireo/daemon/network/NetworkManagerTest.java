package dev.vireo.daemon.network;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.VireoHome;
import dev.vireo.daemon.registry.NetworkRecord;
import dev.vireo.daemon.registry.Registry;
import dev.vireo.daemon.registry.VmRecord;
import dev.vireo.daemon.registry.VmState;
import dev.vireo.net.NicLinks;
import dev.vireo.net.frame.MacAddress;
import dev.vireo.net.transport.SwitchClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetworkManagerTest {
    @TempDir Path dir;
    VireoHome home;
    Registry registry;
    NetworkManager networks;

    @BeforeEach
    void open() throws Exception {
        home = new VireoHome(dir.resolve("h"));
        home.create();
        registry = Registry.open(home.registry());
        networks = new NetworkManager(home, registry);
    }

    @AfterEach
    void close() throws Exception {
        networks.close();
        registry.close();
    }

    static VmRecord vm(String name, String... nics) {
        return new VmRecord(name, 1, 64 << 20, "/k", null, null, null, List.of(), List.of(nics), false, VmState.stopped, null, null, null, Instant.now());
    }

    static int status(Runnable action) {
        try {
            action.run();
            return 0;
        } catch (ApiException e) {
            return e.status();
        }
    }

    static String message(Runnable action) {
        try {
            action.run();
            return "(no error)";
        } catch (ApiException e) {
            return e.getMessage();
        }
    }

    @Test
    void anInternalNetworkServesASwitchThatNicsJoin() throws Exception {
        NetworkInfo lab = networks.create(new NetworkSpec("lab", "internal", "10.10.0.1/24", null, null, null));
        assertThat(lab.state()).isEqualTo("up");
        assertThat(lab.socket()).isEqualTo(home.root().resolve("net/lab.sock").toString());
        assertThat(lab.ports()).containsExactly("dhcp");
        try (SwitchClient nic = SwitchClient.connect(Path.of(lab.socket()), "web", NicLinks.MAX_FRAME)) {
            assertThat(networks.info("lab").ports()).containsExactlyInAnyOrder("dhcp", "web");
        }
        networks.delete("lab");
        assertThat(Path.of(lab.socket())).doesNotExist();
        assertThat(networks.list()).isEmpty();
    }

    @Test
    void vmNicsResolveToTheNetworksModeKeepingTheirMacs() {
        networks.create(new NetworkSpec("lab", "internal", null, null, null, null));
        networks.create(new NetworkSpec("out", "nat", null, null, null, null));
        registry.insertNetwork(new NetworkRecord("br", "bridge", null, null, "br0", null, Instant.now()));
        String mac0 = MacAddress.format(MacAddress.derive("web")), mac1 = MacAddress.format(MacAddress.derive("web#1"));
        assertThat(networks.resolve("web", List.of("network=lab", "network=out", "network=br,mac=52:54:00:00:00:07", "switch=other")))
                .containsExactly("switch=lab,mac=" + mac0, "nat,mac=" + mac1, "bridge=br0,mac=52:54:00:00:00:07",
                        "switch=other,mac=" + MacAddress.format(MacAddress.derive("web#3")));
        assertThat(networks.info("out").state()).isEqualTo("per-vm");
        assertThat(networks.info("out").socket()).isNull();
    }

    @Test
    void mistakesAre4xxWithTheFix() {
        assertThat(message(() -> networks.create(new NetworkSpec("lab", "wifi", null, null, null, null))))
                .isEqualTo("network mode 'wifi' is unknown; use nat|internal|hostonly|bridge");
        assertThat(status(() -> networks.create(new NetworkSpec("lab", null, null, null, null, null)))).isEqualTo(400);
        assertThat(message(() -> networks.create(new NetworkSpec("lab", "nat", "10.0.0.1/24", null, null, null))))
                .contains("--dhcp is for internal networks, not nat");
        assertThat(message(() -> networks.create(new NetworkSpec("lab", "internal", "10.0.0.0/24", null, null, null))))
                .contains("network or broadcast address");
        assertThat(message(() -> networks.create(new NetworkSpec("lab", "internal", "10.0.0.1", null, null, null))))
                .contains("needs ADDR/PREFIX, e.g. 10.10.0.1/24");
        assertThat(message(() -> networks.create(new NetworkSpec("ho", "hostonly", null, null, null, null)))).contains("give --subnet ADDR/PREFIX");
        assertThat(message(() -> networks.create(new NetworkSpec("b", "bridge", null, null, null, null)))).contains("give --bridge BRIDGE");
        assertThat(message(() -> networks.create(new NetworkSpec("b", "bridge", null, null, "nosuchbr9", null)))).contains("does not exist");
        assertThat(message(() -> networks.create(new NetworkSpec("b", "bridge", null, null, "lo", null)))).contains("not a bridge");
        assertThat(message(() -> networks.create(new NetworkSpec("../x", "internal", null, null, null, null)))).contains("network name '../x' is invalid");
        assertThat(networks.list()).isEmpty();

        networks.create(new NetworkSpec("lab", "internal", null, null, null, null));
        assertThat(status(() -> networks.create(new NetworkSpec("lab", "nat", null, null, null, null)))).isEqualTo(409);
        assertThat(message(() -> networks.check("web", List.of("network=nope"))))
                .isEqualTo("network 'nope' does not exist; see vireo net list, or create it with vireo net create nope --mode internal");
        assertThat(status(() -> networks.check("web", List.of("network=lab,hostfwd=tcp::1-:2")))).isEqualTo(400);
        networks.check("web", List.of("network=lab"));
        registry.insertVm(vm("web", "network=lab"));
        registry.insertVm(vm("db", "nat", "network=lab"));
        assertThat(networks.info("lab").vms()).containsExactly("db", "web");
        assertThat(message(() -> networks.delete("lab")))
                .isEqualTo("network 'lab' is used by vm 'db', 'web'; delete those vms first (vireo vm delete db)");
        assertThat(status(() -> networks.delete("lab"))).isEqualTo(409);
        assertThat(status(() -> networks.delete("nope"))).isEqualTo(404);
    }

    @Test
    void aNetworksAclIsEnforcedOnItsSwitchAndAMistakeNamesTheLine() throws Exception {
        assertThat(message(() -> networks.create(new NetworkSpec("lab", "internal", null, null, null, "[port b]\ndeny sideways\n"))))
                .startsWith("network 'lab' --acl:2: ");
        assertThat(message(() -> networks.create(new NetworkSpec("out", "nat", null, null, null, "[port b]\n"))))
                .contains("--acl is for internal and hostonly networks");
        NetworkInfo lab = networks.create(new NetworkSpec("lab", "internal", null, null, null, "[port b]\ndeny in proto=udp dport=23\n"));
        assertThat(lab.acl()).contains("dport=23");
        try (SwitchClient a = SwitchClient.connect(Path.of(lab.socket()), "a", NicLinks.MAX_FRAME);
             SwitchClient b = SwitchClient.connect(Path.of(lab.socket()), "b", NicLinks.MAX_FRAME)) {
            java.util.concurrent.BlockingQueue<Integer> atB = new java.util.concurrent.LinkedBlockingQueue<>();
            a.start((f, o, l) -> { });
            b.start((f, o, l) -> atB.add(((f[o + 36] & 0xFF) << 8) | (f[o + 37] & 0xFF))); // UDP destination port
            long macA = MacAddress.derive("a"), macB = MacAddress.derive("b");
            byte[] frame = new byte[1600];
            int ipA = dev.vireo.net.frame.Ipv4.parse("10.0.0.1"), ipB = dev.vireo.net.frame.Ipv4.parse("10.0.0.2");
            // b speaks first so that the switch learns where b is.
            b.send(frame, 0, dev.vireo.net.frame.FrameBuilder.udp(frame, macA, macB, ipB, ipA, 5000, 5000, 8));
            a.send(frame, 0, dev.vireo.net.frame.FrameBuilder.udp(frame, macB, macA, ipA, ipB, 5000, 23, 8));
            a.send(frame, 0, dev.vireo.net.frame.FrameBuilder.udp(frame, macB, macA, ipA, ipB, 5000, 80, 8));
            assertThat(atB.poll(5, java.util.concurrent.TimeUnit.SECONDS)).as("port 80 passes").isEqualTo(80);
            assertThat(atB.poll(300, java.util.concurrent.TimeUnit.MILLISECONDS)).as("port 23 was dropped by b's ACL").isNull();
        }
        networks.close();
        networks = new NetworkManager(home, registry);
        networks.startAll();
        assertThat(networks.info("lab").acl()).as("kept in the registry").contains("dport=23");
    }

    @Test
    void aSocketInUseByAnotherSwitchIsAConflictAndRecordsNothing() throws Exception {
        networks.create(new NetworkSpec("lab", "internal", null, null, null, null));
        try (Registry other = Registry.open(dir.resolve("other"))) {
            NetworkManager second = new NetworkManager(home, other);
            assertThat(message(() -> second.create(new NetworkSpec("lab", "internal", null, null, null, null)))).contains("network 'lab' cannot listen");
            assertThat(other.listNetworks()).isEmpty();
        }
        assertThat(Files.exists(home.root().resolve("net/lab.sock"))).isTrue();
    }

    @Test
    void switchesStartAgainWithTheDaemon() throws Exception {
        networks.create(new NetworkSpec("lab", "internal", "10.10.0.1/24", null, null, null));
        networks.close();
        assertThat(Path.of(home.root().resolve("net/lab.sock").toString())).doesNotExist();
        networks = new NetworkManager(home, registry);
        assertThat(networks.info("lab").state()).startsWith("down");
        networks.startAll();
        assertThat(networks.info("lab").state()).isEqualTo("up");
        assertThat(networks.info("lab").ports()).containsExactly("dhcp");
    }
}
